package dev.minutes.render;

import java.util.Objects;

/**
 * One action item of a minutes body: a list item {@code - [ ] Owner: text} (open) or {@code - [x]
 * Owner: text} (done).
 *
 * @param done whether the box is ticked ({@code [x]} or {@code [X]})
 * @param owner the text before the first {@code ": "}, or {@code ""} when the item names no owner
 * @param text the rest of the item, without surrounding white space
 * @param line the 1-based line in the body where the item was found; 0 for an item that was not
 *     read from a body. The body begins after the front matter, so in a published file the line is
 *     this number plus 10.
 */
public record ActionItem(boolean done, String owner, String text, int line) {
  public ActionItem {
    Objects.requireNonNull(owner, "owner (use \"\" when nobody is named)");
    Objects.requireNonNull(text, "text");
  }

  /** An open item that was not read from a body (line 0). */
  public static ActionItem open(String owner, String text) {
    return new ActionItem(false, owner, text, 0);
  }
}
