package dev.minutes.series;

import dev.minutes.meeting.FollowingCall;
import dev.minutes.meeting.MeetingFacts;
import dev.minutes.meeting.MeetingPlan;
import dev.minutes.render.BodyTemplate;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans a series' next call (docs/series.md). Unless the request says otherwise:
 *
 * <ul>
 *   <li>the date is the one the previous call's minutes give in their next-call sentence, else the
 *       previous date plus the cadence (the first call: today);
 *   <li>the chair is the one that sentence names, matched to an attendee, else the series' chair;
 *   <li>the attendees are the series' attendees as they are (contract §7): the series' chair is not
 *       added, so a call another attendee chairs does not name the series' chair unless the request
 *       or the people in the call add them;
 *   <li>the agenda is {@code Review previous notes} (carrying the previous call's open action
 *       items) followed by the standing items.
 * </ul>
 *
 * Pure; notes say where it could not follow the minutes.
 */
final class NextCallPlanner {
  private NextCallPlanner() {}

  static MeetingPlan plan(
      Series series, Optional<MeetingFacts> previous, NextCallRequest request, LocalDate today) {
    List<String> attendees =
        request.attendees().isEmpty() ? series.attendees() : request.attendees();
    if (previous.isEmpty()) {
      return plan(
          series,
          request.date().orElse(today.toString()),
          request.chair().orElse(series.chair()),
          attendees,
          request.agenda().isEmpty() ? series.agenda() : request.agenda(),
          previous,
          List.of());
    }
    FollowingCall following = FollowingCall.after(previous.get());
    LocalDate cadence = previous.get().date().plusDays(series.cadenceDays());
    String date =
        following.date(
            request.date(),
            cadence,
            series.cadenceDays()
                + " days after the previous call ("
                + previous.get().date()
                + ") as the series' cadence says");
    String chair = following.chair(request.chair(), attendees, series.chair());
    List<String> agenda = new ArrayList<>();
    if (request.agenda().isEmpty()) {
      agenda.add(BodyTemplate.REVIEW_PREVIOUS_NOTES);
      agenda.addAll(series.agenda());
    } else {
      agenda.addAll(request.agenda());
    }
    List<String> notes = new ArrayList<>(following.notes());
    LocalDate previousDate = previous.get().date();
    if (!LocalDate.parse(date).isAfter(previousDate)) {
      // Allowed (a call held and not started here, written up later), but rarely meant.
      notes.add(
          "The date "
              + date
              + " is not after the previous call's ("
              + previousDate
              + "): the overview lists the calls by date.");
    }
    return plan(series, date, chair, attendees, agenda, previous, notes);
  }

  private static MeetingPlan plan(
      Series series,
      String date,
      String chair,
      List<String> attendees,
      List<String> agenda,
      Optional<MeetingFacts> previous,
      List<String> notes) {
    return new MeetingPlan(
        date,
        series.subjectOn(date),
        series.description(),
        series.author(),
        chair,
        attendees,
        agenda,
        previous,
        Optional.of(series.id()),
        notes);
  }
}
