package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Corpus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Reading back a body's agenda and attendees")
class MinutesSectionsTest {

  private static String body(String file) {
    return MinutesParser.parse(Corpus.text(file)).body();
  }

  @Test
  @DisplayName("the agenda of 2014-04-01 (bullets with '*') is its five items")
  void corpusAgenda() {
    assertThat(MinutesSections.agenda(body("2014-04-01.md")))
        .containsExactly(
            "GSoC/OPW update (Anil)",
            "Core_kernel (Anil)",
            "Iocaml update (Anil)",
            "Irminsule xenstore (Dave)",
            "Mirage tutorial day (Amir)");
  }

  @Test
  @DisplayName("the agenda of 2015-12-02 keeps its top-level items, not the nested ones")
  void nestedBullets() {
    assertThat(MinutesSections.agenda(body("2015-12-02.md")))
        .containsExactly(
            "Quality and Test",
            "Functoria",
            "Blog posts",
            "MirageOS AppVMs on Qubes",
            "Unikernel size",
            "Unikernel hackathons",
            "Pioneer Projects");
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(
      strings = {"Irmin", "- a dash", "1. numbered", "# hash", "[ ] box", "> quote", "`code` *em*"})
  @DisplayName("an agenda the template wrote reads back as given, escapes undone")
  void roundTrip(String title) {
    String written =
        BodyTemplate.initialBody(
            new BodyInput(
                "Ada",
                List.of("Bob"),
                List.of("Review previous notes", title, "CI"),
                List.of(),
                null));

    assertThat(MinutesSections.agenda(written))
        .containsExactly("Review previous notes", title, "CI");
  }

  @Test
  @DisplayName("a body without an agenda heading has no agenda")
  void noAgenda() {
    assertThat(MinutesSections.agenda("\nAttendees: Ada\n\n### Notes ###\n")).isEmpty();
  }

  @Test
  @DisplayName("attendees of 2014-05-27: wrapped, the chair marked, the last joined with 'and'")
  void corpusAttendees() {
    MinutesSections.Attendance attendance = MinutesSections.attendees(body("2014-05-27.md"));

    assertThat(attendance.names())
        .containsExactly(
            "Amir Chaudhry",
            "Thomas Gazagnaire",
            "Thomas Leonard",
            "Anil Madhavapeddy",
            "Mindy Preston",
            "David Scott");
    assertThat(attendance.chair()).contains("Amir Chaudhry");
  }

  @Test
  @DisplayName("attendees of 2015-12-02 start a line after 'Attendees:' (after a blank line)")
  void namesOnTheNextLines() {
    MinutesSections.Attendance attendance = MinutesSections.attendees(body("2015-12-02.md"));

    assertThat(attendance.names())
        .startsWith("Amir Chaudhry", "Thomas Gazagnaire")
        .hasSizeGreaterThan(8);
    assertThat(attendance.names()).contains("Richard Mortier").doesNotContain("Mort");
    assertThat(attendance.chair()).contains("Amir Chaudhry");
  }

  @Test
  @DisplayName(
      "'*Attendees:*' of 2013 without a chair, and remarks in parentheses dropped (2014-09-16)")
  void olderForms() {
    assertThat(MinutesSections.attendees(body("2013-05-21.md")).names())
        .hasSize(7)
        .startsWith("Amir Chaudhry");
    assertThat(MinutesSections.attendees(body("2013-05-21.md")).chair())
        .isEqualTo(Optional.empty());
    assertThat(MinutesSections.attendees(body("2014-09-16.md")).names())
        .endsWith("Dave Scott", "Magnus Skjegstad")
        .doesNotContain("Bella");
  }

  @Test
  @DisplayName("the template's attendees paragraph reads back: the chair first, once")
  void templateAttendees() {
    String written =
        BodyTemplate.initialBody(
            new BodyInput(
                "Ada Lovelace",
                List.of("Bob", "Ada Lovelace", "Carol"),
                List.of(),
                List.of(),
                null));

    MinutesSections.Attendance attendance = MinutesSections.attendees(written);
    assertThat(attendance.names()).containsExactly("Ada Lovelace", "Bob", "Carol");
    assertThat(attendance.chair()).contains("Ada Lovelace");
  }
}
