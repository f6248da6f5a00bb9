package dev.minutes.series;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.meeting.MeetingFacts;
import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The action items still open across a series' calls")
class OpenActionsTest {

  private static MeetingFacts call(String date, String body) {
    return new MeetingFacts(
        "m-" + date,
        "automerge:m-" + date,
        "closed",
        1,
        FrontMatter.forMeeting(date, new Author("Ada", "", ""), ""),
        body,
        LocalDate.parse(date),
        "Ada",
        List.of(),
        Optional.empty(),
        Optional.empty());
  }

  @Test
  @DisplayName("an item carried over counts once, as raised; ticked in a later call it is done")
  void carriedAndTicked() {
    List<OpenActions.OpenAction> open =
        OpenActions.of(
            List.of(
                call("2026-12-02", "- [ ] Carol: write the post\n- [ ] Bob: ship 1.0\n"),
                call("2026-12-09", "- [ ] Bob: ship 1.0\n- [x] carol:  write the post\n"),
                call("2026-12-16", "- [ ] Bob: ship 1.0\n- [ ] Ada: book the room\n")));

    assertThat(open)
        .containsExactly(
            new OpenActions.OpenAction("Ada", "book the room", "m-2026-12-16", "2026-12-16"),
            new OpenActions.OpenAction("Bob", "ship 1.0", "m-2026-12-02", "2026-12-02"));
  }

  @Test
  @DisplayName("an item done and then opened again is open, as raised again")
  void reopenedItem() {
    List<OpenActions.OpenAction> open =
        OpenActions.of(
            List.of(
                call("2026-12-02", "- [x] Bob: ship 1.0\n"),
                call("2026-12-09", "- [ ] Bob: ship 1.0\n")));

    assertThat(open).extracting(OpenActions.OpenAction::meeting).containsExactly("m-2026-12-09");
  }
}
