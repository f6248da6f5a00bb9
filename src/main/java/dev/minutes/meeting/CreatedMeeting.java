package dev.minutes.meeting;

import java.util.List;
import java.util.Map;

/**
 * A new meeting as its creator sees it once: the only time the tokens are shown.
 *
 * @param id the meeting id (also its document id)
 * @param documentUrl the {@code automerge:} URL clients find
 * @param status "open"
 * @param tokens one token per role
 * @param date the meeting's date
 * @param notes what was decided other than asked, for people (see {@link MeetingPlan#notes})
 */
public record CreatedMeeting(
    String id,
    String documentUrl,
    String status,
    Map<Role, String> tokens,
    String date,
    List<String> notes) {

  public CreatedMeeting {
    notes = List.copyOf(notes);
  }
}
