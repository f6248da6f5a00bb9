package dev.minutes.render;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds action items in a minutes body, and writes them.
 *
 * <p>Action items are this project's addition to the published format: a list item with a task box,
 * {@code - [ ] Owner: text} or {@code - [x] Owner: text}, anywhere in the body, at any indentation,
 * with {@code -}, {@code *} or {@code +} bullets and {@code [x]} or {@code [X]}. Text inside fenced
 * code blocks ({@code ```} or {@code ~~~}) and HTML comments ({@code <!-- -->}, which the docs site
 * does not show) holds no action items.
 */
public final class ActionItems {

  private static final Pattern ITEM =
      Pattern.compile("[ \\t]*[-*+][ \\t]+\\[([ xX])\\][ \\t]+(\\S.*)");
  private static final Pattern FENCE_OPENING = Pattern.compile("[ \\t]*(`{3,}|~{3,})(.*)");
  private static final String COMMENT_OPENING = "<!--";
  private static final String COMMENT_CLOSING = "-->";
  private static final String OWNER_SEPARATOR = ": ";

  private ActionItems() {}

  /** Every action item of {@code body}, in order, with its 1-based line in the body. */
  public static List<ActionItem> parse(String body) {
    List<ActionItem> items = new ArrayList<>();
    String fence = null;
    boolean inComment = false;
    String[] lines = body.split("\n", -1);
    for (int index = 0; index < lines.length; index++) {
      String line = stripCarriageReturn(lines[index]);
      if (fence != null) {
        if (closesFence(line, fence)) {
          fence = null;
        }
        continue;
      }
      if (inComment) {
        // The rest of the line that closes a comment is raw HTML, never the start of a list item.
        inComment = !line.contains(COMMENT_CLOSING);
        continue;
      }
      Matcher fenceOpening = FENCE_OPENING.matcher(line);
      if (fenceOpening.matches() && isFenceOpening(fenceOpening)) {
        fence = fenceOpening.group(1);
        continue;
      }
      VisibleText visible = withoutComments(line);
      inComment = visible.commentStillOpen();
      itemOn(visible.text(), index + 1).ifPresent(items::add);
    }
    return items;
  }

  /**
   * The items of {@code items} (one meeting's, in order) still to be done, each once: an item
   * counts as done when any line ticks it, since a call carries the open items over into "Review
   * previous notes" and someone may tick the item where it was raised instead of that copy.
   */
  public static List<ActionItem> open(List<ActionItem> items) {
    Set<String> done = new HashSet<>();
    for (ActionItem item : items) {
      if (item.done()) {
        done.add(identity(item));
      }
    }
    Set<String> listed = new HashSet<>();
    return items.stream()
        .filter(item -> !item.done())
        .filter(item -> !done.contains(identity(item)) && listed.add(identity(item)))
        .toList();
  }

  /**
   * What tells two lines for the same action item: the owner and the text, ignoring case and runs
   * of white space.
   */
  public static String identity(ActionItem item) {
    return normalized(item.owner()) + "\n" + normalized(item.text());
  }

  private static String normalized(String text) {
    return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  /**
   * The Markdown line for {@code item}, {@code - [ ] Owner: text} (or {@code - [ ] text} without an
   * owner), without a line break.
   *
   * @throws IllegalArgumentException when the line would not read back as the same item (a line
   *     break in the text, an owner containing {@code ": "}, surrounding white space, an empty
   *     text, an HTML comment...)
   */
  public static String format(ActionItem item) {
    String box = item.done() ? "[x]" : "[ ]";
    String content =
        item.owner().isEmpty() ? item.text() : item.owner() + OWNER_SEPARATOR + item.text();
    String line = "- " + box + " " + content;
    List<ActionItem> readBack = parse(line);
    boolean same =
        readBack.size() == 1
            && readBack.get(0).done() == item.done()
            && readBack.get(0).owner().equals(item.owner())
            && readBack.get(0).text().equals(item.text());
    if (!same || YamlScalars.forbiddenCharacter(content).isPresent()) {
      throw new IllegalArgumentException(
          "action item would not read back as written: owner '"
              + item.owner()
              + "', text '"
              + item.text()
              + "'");
    }
    return line;
  }

  private static Optional<ActionItem> itemOn(String visibleLine, int lineNumber) {
    Matcher matcher = ITEM.matcher(visibleLine);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    boolean done = !matcher.group(1).equals(" ");
    String content = matcher.group(2).strip();
    int separator = content.indexOf(OWNER_SEPARATOR);
    if (separator > 0) {
      String owner = content.substring(0, separator).strip();
      String text = content.substring(separator + OWNER_SEPARATOR.length()).strip();
      if (!owner.isEmpty() && !text.isEmpty()) {
        return Optional.of(new ActionItem(done, owner, text, lineNumber));
      }
    }
    return Optional.of(new ActionItem(done, "", content, lineNumber));
  }

  /** Published bodies use LF only; a CR left by a CRLF paste must not hide an item. */
  private static String stripCarriageReturn(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  /** CommonMark: a backtick fence's info string may not contain a backtick. */
  private static boolean isFenceOpening(Matcher fenceOpening) {
    return fenceOpening.group(1).charAt(0) == '~' || fenceOpening.group(2).indexOf('`') < 0;
  }

  /** A closing fence uses the opening's character, at least as many times, and nothing else. */
  private static boolean closesFence(String line, String opening) {
    String stripped = line.strip();
    char fenceChar = opening.charAt(0);
    return stripped.length() >= opening.length() && stripped.chars().allMatch(c -> c == fenceChar);
  }

  /**
   * {@code line} with its HTML comments removed; tells whether a comment runs past the line. A
   * {@code <!--} inside a code span on the line ({@code `<!--`}) is text, not a comment.
   */
  private static VisibleText withoutComments(String line) {
    StringBuilder visible = new StringBuilder(line.length());
    int position = 0;
    while (true) {
      int opening = commentOpening(line, position);
      if (opening < 0) {
        visible.append(line, position, line.length());
        return new VisibleText(visible.toString(), false);
      }
      visible.append(line, position, opening);
      // Searching from "<!" also ends the short forms "<!-->" and "<!--->" (CommonMark 0.31).
      int closing = line.indexOf(COMMENT_CLOSING, opening + 2);
      if (closing < 0) {
        return new VisibleText(visible.toString(), true);
      }
      position = closing + COMMENT_CLOSING.length();
    }
  }

  /** The index of the next {@code <!--} at or after {@code from} outside code spans, or -1. */
  private static int commentOpening(String line, int from) {
    int i = from;
    while (i < line.length()) {
      if (line.startsWith(COMMENT_OPENING, i)) {
        return i;
      }
      if (line.charAt(i) != '`') {
        i++;
        continue;
      }
      int runEnd = i;
      while (runEnd < line.length() && line.charAt(runEnd) == '`') {
        runEnd++;
      }
      int spanEnd = closingBacktickRun(line, runEnd, runEnd - i);
      // An unmatched backtick run is literal text; a matched one hides everything up to its end.
      i = spanEnd < 0 ? runEnd : spanEnd;
    }
    return -1;
  }

  /** The index just after a run of exactly {@code length} backticks at or after {@code from}. */
  private static int closingBacktickRun(String line, int from, int length) {
    int i = from;
    while (i < line.length()) {
      if (line.charAt(i) != '`') {
        i++;
        continue;
      }
      int runEnd = i;
      while (runEnd < line.length() && line.charAt(runEnd) == '`') {
        runEnd++;
      }
      if (runEnd - i == length) {
        return runEnd;
      }
      i = runEnd;
    }
    return -1;
  }

  private record VisibleText(String text, boolean commentStillOpen) {}
}
