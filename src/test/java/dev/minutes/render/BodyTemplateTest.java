package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BodyTemplateTest {

  private static BodyInput firstMeeting(String chair, List<String> attendees, List<String> agenda) {
    return new BodyInput(chair, attendees, agenda, List.of(), null);
  }

  @Test
  @DisplayName("lays out a small meeting exactly as the corpus does")
  void exactLayout() {
    String body =
        BodyTemplate.initialBody(
            firstMeeting(
                "Amir Chaudhry",
                List.of("Anil Madhavapeddy", "Amir Chaudhry", "Dave Scott"),
                List.of("Irmin", "TLS")));

    assertThat(body)
        .isEqualTo(
            """

            ### Agenda ###

            - Irmin
            - TLS

            Attendees: Amir Chaudhry (chair), Anil Madhavapeddy and Dave Scott

            ### Notes ###

            #### Irmin ####


            #### TLS ####


            #### AoB ####

            """);
  }

  @Test
  @DisplayName("marks the chair, lists it first and only once")
  void chairMarkedOnce() {
    String body =
        BodyTemplate.initialBody(
            firstMeeting("Dave Scott", List.of("Anil", "Dave Scott", "Anil"), List.of()));

    assertThat(body).contains("\nAttendees: Dave Scott (chair) and Anil\n");
  }

  @Test
  @DisplayName("lists attendees without a chair, and a lone attendee without 'and'")
  void withoutChair() {
    assertThat(BodyTemplate.initialBody(firstMeeting(null, List.of("A", "B", "C"), List.of())))
        .contains("\nAttendees: A, B and C\n");
    assertThat(BodyTemplate.initialBody(firstMeeting(" ", List.of("Solo"), List.of())))
        .contains("\nAttendees: Solo\n");
    assertThat(BodyTemplate.initialBody(firstMeeting(null, List.of(), List.of())))
        .contains("\nAttendees:\n");
  }

  @Test
  @DisplayName("wraps the attendees paragraph at 79 columns, breaking only at spaces")
  void wrapsAt79Columns() {
    List<String> attendees =
        List.of(
            "Thomas Gazagnaire",
            "David Kaloper",
            "Thomas Leonard",
            "Jon Ludlam",
            "Anil Madhavapeddy",
            "Hannes Mehnert",
            "Richard Mortier",
            "Dave Scott",
            "Magnus Skjegstad");
    String body = BodyTemplate.initialBody(firstMeeting("Amir Chaudhry", attendees, List.of()));

    List<String> paragraph = paragraphStartingWith(body, "Attendees:");
    assertThat(paragraph)
        .containsExactly(
            "Attendees: Amir Chaudhry (chair), Thomas Gazagnaire, David Kaloper, Thomas",
            "Leonard, Jon Ludlam, Anil Madhavapeddy, Hannes Mehnert, Richard Mortier, Dave",
            "Scott and Magnus Skjegstad");
    assertThat(paragraph).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(79));
    assertThat(String.join(" ", paragraph))
        .isEqualTo(
            "Attendees: Amir Chaudhry (chair), Thomas Gazagnaire, David Kaloper, Thomas Leonard,"
                + " Jon Ludlam, Anil Madhavapeddy, Hannes Mehnert, Richard Mortier, Dave Scott"
                + " and Magnus Skjegstad");
  }

  @Test
  @DisplayName("lets a single name longer than 79 columns overflow rather than split it")
  void longNameOverflows() {
    String longName = "X".repeat(100);
    String body = BodyTemplate.initialBody(firstMeeting("Amir", List.of(longName), List.of()));

    assertThat(paragraphStartingWith(body, "Attendees:"))
        .containsExactly("Attendees: Amir (chair) and", longName);
  }

  @Test
  @DisplayName("never starts a wrapped line with a word that would open a Markdown block")
  void noBlockStartAfterWrap() {
    String filler = "Attendee Number";
    List<String> attendees =
        List.of(
            filler + " One",
            filler + " Two",
            filler + " Three",
            "- dash",
            "1. first",
            "# hash",
            "> quote",
            "=== setext");
    String body = BodyTemplate.initialBody(firstMeeting("Chair Person", attendees, List.of()));

    List<String> paragraph = paragraphStartingWith(body, "Attendees:");
    assertThat(paragraph.subList(1, paragraph.size()))
        .allSatisfy(line -> assertThat(Character.isLetterOrDigit(line.charAt(0))).isTrue())
        .noneSatisfy(line -> assertThat(line).matches("[0-9]+[.)]( .*)?"));
  }

  @Test
  @DisplayName(
      "starts with 'Review previous notes', links the previous minutes and carries open items")
  void carriesPreviousItems() {
    List<ActionItem> previous =
        List.of(
            ActionItem.open("Anil", "release Irmin"),
            new ActionItem(true, "Dave", "already done", 7),
            ActionItem.open("", "someone should write the blog post"));
    BodyInput input =
        new BodyInput("Amir", List.of("Anil"), List.of("Irmin"), previous, "weekly-2014-04-01");

    String body = BodyTemplate.initialBody(input);

    assertThat(body)
        .isEqualTo(
            """

            ### Agenda ###

            - Review previous notes
            - Irmin

            Attendees: Amir (chair) and Anil

            ### Notes ###

            #### Review previous notes ####

            See the [previous notes](/weekly/weekly-2014-04-01). Open action items:

            - [ ] Anil: release Irmin
            - [ ] someone should write the blog post


            #### Irmin ####


            #### AoB ####

            """);
  }

  @Test
  @DisplayName("the carried-over items are exactly the action items found in the new body")
  void carriedItemsParseBack() {
    List<ActionItem> previous =
        List.of(
            ActionItem.open("ThomasL", "merge the `FLOW` error patch"),
            ActionItem.open("Hannes", "ask about [TLS](https://example.org): soon"),
            ActionItem.open("", "decide on a name"));
    BodyInput input =
        new BodyInput(
            "Amir", List.of(), List.of("Review previous notes", "TLS"), previous, "weekly-x");

    List<ActionItem> found = ActionItems.parse(BodyTemplate.initialBody(input));

    assertThat(found)
        .extracting(ActionItem::done, ActionItem::owner, ActionItem::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(false, "ThomasL", "merge the `FLOW` error patch"),
            org.assertj.core.groups.Tuple.tuple(
                false, "Hannes", "ask about [TLS](https://example.org): soon"),
            org.assertj.core.groups.Tuple.tuple(false, "", "decide on a name"));
  }

  @Test
  @DisplayName("does not add a second 'Review previous notes' when the agenda starts with it")
  void reviewNotDuplicated() {
    BodyInput input =
        new BodyInput(null, List.of(), List.of("review previous notes"), List.of(), "weekly-x");

    String body = BodyTemplate.initialBody(input);

    assertThat(body).containsOnlyOnce("- review previous notes\n").doesNotContain("- Review");
    assertThat(body)
        .contains(
            "#### review previous notes ####\n\nSee the [previous notes](/weekly/weekly-x). No"
                + " open action items.\n\n\n#### AoB ####\n\n");
  }

  @Test
  @DisplayName("percent-encodes a previous permalink that is not URL-safe")
  void encodesPermalink() {
    BodyInput input = new BodyInput(null, List.of(), List.of(), List.of(), "a b(c)é");

    assertThat(BodyTemplate.initialBody(input)).contains("(/weekly/a%20b%28c%29%C3%A9)");
  }

  @Test
  @DisplayName("an empty agenda still has the attendees, the notes heading and AoB")
  void emptyAgenda() {
    String body = BodyTemplate.initialBody(firstMeeting("Amir", List.of(), List.of()));

    assertThat(body)
        .isEqualTo(
            "\n### Agenda ###\n\nAttendees: Amir (chair)\n\n### Notes ###\n\n#### AoB ####\n\n");
  }

  @Test
  @DisplayName("an agenda item named AoB gets its bullet but the AoB section stays last and single")
  void aobItem() {
    String body = BodyTemplate.initialBody(firstMeeting(null, List.of(), List.of("AoB", "Irmin")));

    assertThat(body)
        .contains("- AoB\n- Irmin\n")
        .containsOnlyOnce("#### AoB ####")
        .endsWith("#### Irmin ####\n\n\n#### AoB ####\n\n");
  }

  @Test
  @DisplayName("keeps inline Markdown in agenda items and escapes what would open another block")
  void markdownInAgendaItems() {
    List<String> agenda =
        List.of(
            "`mirage-dev` and [Irmin][]",
            "*emphasis*",
            "- nested",
            "1. ordered",
            "# heading",
            "> quote",
            "[ ] not a task",
            "[ref]: http://x",
            "***",
            "```fence",
            "C#",
            "tagged #",
            "  padded  ");

    String body = BodyTemplate.initialBody(firstMeeting(null, List.of(), agenda));

    assertThat(body)
        .contains(
            """
            - `mirage-dev` and [Irmin][]
            - *emphasis*
            - \\- nested
            - 1\\. ordered
            - \\# heading
            - \\> quote
            - \\[ ] not a task
            - \\[ref]: http://x
            - \\***
            - \\```fence
            - C#
            - tagged #
            - padded
            """)
        .contains("#### C# ####\n")
        .contains("#### tagged \\# ####\n")
        .contains("#### # heading ####\n")
        .contains("#### padded ####\n");
    assertThat(ActionItems.parse(body)).isEmpty();
  }

  @Test
  @DisplayName("refuses an agenda item with a line break")
  void refusesMultiLineAgendaItem() {
    BodyInput input = firstMeeting(null, List.of(), List.of("ok", "two\nlines"));

    assertThatThrownBy(() -> BodyTemplate.initialBody(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("agenda item 2 contains a line break (U+000A); it must be single-line text");
  }

  @Test
  @DisplayName("refuses a blank agenda item")
  void refusesBlankAgendaItem() {
    BodyInput input = firstMeeting(null, List.of(), List.of(" "));

    assertThatThrownBy(() -> BodyTemplate.initialBody(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("agenda item 1 is blank");
  }

  @Test
  @DisplayName("refuses an attendee name with a line break")
  void refusesMultiLineName() {
    BodyInput input = firstMeeting(null, List.of("Anil\u2028Madhavapeddy"), List.of());

    assertThatThrownBy(() -> BodyTemplate.initialBody(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attendee 1 contains a line break (U+2028); it must be single-line text");
  }

  @Test
  @DisplayName("refuses carried-over items without a previous permalink")
  void refusesItemsWithoutPrevious() {
    BodyInput input =
        new BodyInput(null, List.of(), List.of(), List.of(ActionItem.open("A", "b")), null);

    assertThatThrownBy(() -> BodyTemplate.initialBody(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("previousPermalink is missing");
  }

  @Test
  @DisplayName("the initial body renders and parses as published minutes")
  void initialBodyPublishes() {
    String body =
        BodyTemplate.initialBody(
            new BodyInput(
                "Amir",
                List.of("Anil"),
                List.of("Irmin"),
                List.of(ActionItem.open("A", "b")),
                "weekly-2014-04-01"));
    FrontMatter frontMatter =
        FrontMatter.forMeeting("2014-04-15", new Author("Amir", "", ""), "15th April 2014");

    PublishedMinutes parsed = MinutesParser.parse(MinutesRenderer.render(frontMatter, body));

    assertThat(parsed.body()).isEqualTo(body).startsWith("\n").endsWith("\n\n");
  }

  /** The lines of the paragraph of {@code body} whose first line starts with {@code prefix}. */
  private static List<String> paragraphStartingWith(String body, String prefix) {
    String[] lines = body.split("\n", -1);
    int start =
        Arrays.asList(lines)
            .indexOf(
                Arrays.stream(lines).filter(l -> l.startsWith(prefix)).findFirst().orElseThrow());
    int end = start;
    while (end < lines.length && !lines[end].isEmpty()) {
      end++;
    }
    return List.of(lines).subList(start, end);
  }
}
