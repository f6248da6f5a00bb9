package dev.minutes.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.meeting.MeetingFacts;
import dev.minutes.meeting.MeetingPlan;
import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import dev.minutes.render.MinutesParser;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.support.Corpus;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Planning a series' next call from the series and the previous minutes")
class NextCallPlannerTest {
  private static final Series MIRAGE =
      new Series(
          "s1",
          "MirageOS call",
          "Amir Chaudhry",
          List.of("Thomas Gazagnaire", "Thomas Leonard", "Anil Madhavapeddy"),
          List.of("Irmin", "Releases"),
          14,
          "Weekly Meeting: {date}",
          "MirageOS developer call",
          new Author("Amir Chaudhry", "http://amirchaudhry.com", ""));
  private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  private static MeetingFacts closedCall(String date, String body) {
    return new MeetingFacts(
        "m-" + date,
        "automerge:m-" + date,
        "closed",
        1,
        FrontMatter.forMeeting(date, new Author("Amir Chaudhry", "", ""), ""),
        body,
        LocalDate.parse(date),
        "Amir Chaudhry",
        List.of(),
        Optional.of("s1"),
        Optional.of("weekly-" + date));
  }

  private static MeetingPlan after(MeetingFacts previous, NextCallRequest request) {
    return NextCallPlanner.plan(MIRAGE, Optional.of(previous), request, TODAY);
  }

  @Test
  @DisplayName("the first call: today, the series' chair, attendees and standing agenda")
  void firstCall() {
    MeetingPlan plan =
        NextCallPlanner.plan(MIRAGE, Optional.empty(), NextCallRequest.none(), TODAY);

    assertThat(plan.date()).isEqualTo("2026-12-01");
    assertThat(plan.subject()).isEqualTo("Weekly Meeting: 2026-12-01");
    assertThat(plan.chair()).isEqualTo("Amir Chaudhry");
    assertThat(plan.attendees())
        .as("the series' attendees, as they are (contract §7); the body lists its chair first")
        .containsExactly("Thomas Gazagnaire", "Thomas Leonard", "Anil Madhavapeddy");
    assertThat(plan.agenda()).containsExactly("Irmin", "Releases");
    assertThat(plan.series()).contains("s1");
    assertThat(plan.previous()).isEmpty();
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  @DisplayName("after the real 2014-11-26 minutes: 'Wednesday, 10th December' and the review first")
  void afterRealMinutes() {
    PublishedMinutes minutes = MinutesParser.parse(Corpus.text("2014-11-26.md"));
    MeetingPlan plan = after(closedCall("2014-11-26", minutes.body()), NextCallRequest.none());

    assertThat(plan.date()).isEqualTo("2014-12-10");
    assertThat(plan.subject()).isEqualTo("Weekly Meeting: 2014-12-10");
    assertThat(plan.agenda()).containsExactly("Review previous notes", "Irmin", "Releases");
    assertThat(plan.chair()).isEqualTo("Amir Chaudhry");
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  @DisplayName(
      "a date on or before the previous call's is taken as asked, with a note (the overview lists"
          + " calls by date)")
  void dateNotAfterThePreviousCall() {
    MeetingPlan plan =
        after(
            closedCall("2026-12-30", "Next call: 2027-01-06.\n"),
            new NextCallRequest(Optional.of("2026-12-01"), Optional.empty(), List.of(), List.of()));

    assertThat(plan.date()).isEqualTo("2026-12-01");
    assertThat(plan.notes())
        .containsExactly(
            "The date 2026-12-01 is not after the previous call's (2026-12-30): the overview"
                + " lists the calls by date.");
  }

  @Test
  @DisplayName("'…, Thomas G to chair' picks the one attendee it names")
  void chairFromTheSentence() {
    MeetingPlan plan =
        after(
            closedCall("2026-12-09", "Next call: 2026-12-16, Thomas G to chair.\n"),
            NextCallRequest.none());

    assertThat(plan.chair()).isEqualTo("Thomas Gazagnaire");
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  @DisplayName(
      "'Thomas to chair' could be two attendees: the series' chair chairs, and a note says why")
  void ambiguousChair() {
    MeetingPlan plan =
        after(
            closedCall("2026-12-09", "Next call: 2026-12-16, Thomas to chair.\n"),
            NextCallRequest.none());

    assertThat(plan.chair()).isEqualTo("Amir Chaudhry");
    assertThat(plan.notes())
        .containsExactly(
            "The previous minutes name Thomas to chair, which could be Thomas Gazagnaire or"
                + " Thomas Leonard; Amir Chaudhry chairs.");
  }

  @Test
  @DisplayName("an impossible date falls back to the cadence, and a note says so")
  void impossibleDate() {
    MeetingPlan plan =
        after(
            closedCall("2027-02-10", "- Next call is scheduled for **31st February**.\n"),
            NextCallRequest.none());

    assertThat(plan.date()).isEqualTo("2027-02-24");
    assertThat(plan.notes())
        .containsExactly(
            "The previous minutes say \"Next call is scheduled for 31st February.\", but '31st"
                + " February' is not a date; the date is 14 days after the previous call"
                + " (2027-02-10) as the series' cadence says instead: 2027-02-24.");
  }

  @Test
  @DisplayName("no sentence: the cadence, silently")
  void cadence() {
    MeetingPlan plan = after(closedCall("2026-12-09", "No plans.\n"), NextCallRequest.none());

    assertThat(plan.date()).isEqualTo("2026-12-23");
    assertThat(plan.notes()).isEmpty();
  }

  @Test
  @DisplayName("what the request says wins over the minutes and the series")
  void requestWins() {
    MeetingPlan plan =
        after(
            closedCall("2026-12-09", "Next call: 2026-12-16, Thomas G to chair.\n"),
            new NextCallRequest(
                Optional.of("2026-12-17"),
                Optional.of("Anil Madhavapeddy"),
                List.of("Anil Madhavapeddy", "Hannes Mehnert"),
                List.of("Only this")));

    assertThat(plan.date()).isEqualTo("2026-12-17");
    assertThat(plan.chair()).isEqualTo("Anil Madhavapeddy");
    assertThat(plan.attendees()).containsExactly("Anil Madhavapeddy", "Hannes Mehnert");
    assertThat(plan.agenda()).containsExactly("Only this");
  }
}
