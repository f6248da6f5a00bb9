package dev.minutes.meeting;

import dev.minutes.render.Author;
import java.util.List;
import java.util.Optional;

/**
 * Everything a new meeting is made from, decided: its front matter's parts, who chairs and attends,
 * its agenda, the meeting it follows (whose open action items it carries over) and its series.
 *
 * @param notes what the deciding could not do as asked and did instead, for people (e.g. an
 *     impossible date in the previous minutes' next-call sentence)
 */
public record MeetingPlan(
    String date,
    String subject,
    String description,
    Author author,
    String chair,
    List<String> attendees,
    List<String> agenda,
    Optional<MeetingFacts> previous,
    Optional<String> series,
    List<String> notes) {

  public MeetingPlan {
    attendees = List.copyOf(attendees);
    agenda = List.copyOf(agenda);
    notes = List.copyOf(notes);
  }
}
