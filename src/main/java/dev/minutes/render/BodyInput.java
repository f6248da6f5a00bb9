package dev.minutes.render;

import java.util.List;
import java.util.Objects;

/**
 * What a new meeting's initial body is made from.
 *
 * @param chair who chairs the meeting, marked {@code (chair)} among the attendees; null or blank
 *     when nobody does
 * @param attendees the other attendees, in the order to list them (the chair may appear here too;
 *     it is listed once)
 * @param agenda the agenda item titles, in order; may be empty
 * @param previousOpenItems the previous meeting's action items to carry over (only the open ones
 *     are listed); empty when there is no previous meeting
 * @param previousPermalink the previous meeting's permalink, or null when there is none
 */
public record BodyInput(
    String chair,
    List<String> attendees,
    List<String> agenda,
    List<ActionItem> previousOpenItems,
    String previousPermalink) {

  public BodyInput {
    attendees = List.copyOf(Objects.requireNonNull(attendees, "attendees"));
    agenda = List.copyOf(Objects.requireNonNull(agenda, "agenda"));
    previousOpenItems = List.copyOf(Objects.requireNonNull(previousOpenItems, "previousOpenItems"));
  }

  /** Whether the meeting follows a previous one, whose notes the first agenda item reviews. */
  public boolean hasPrevious() {
    return previousPermalink != null;
  }
}
