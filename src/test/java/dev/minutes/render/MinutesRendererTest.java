package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MinutesRendererTest {

  private static final Author AMIR =
      new Author("Amir Chaudhry", "http://amirchaudhry.com", "amirmc@gmail.com");

  private static FrontMatter withName(String name) {
    return new FrontMatter(
        "2014-04-01", new Author(name, "", ""), "Weekly Meeting: 2014-04-01", "weekly-x", "d");
  }

  private static String nameLine(String name) {
    return MinutesRenderer.render(withName(name), "").split("\n")[3];
  }

  @Test
  @DisplayName("writes the corpus template: ten front matter lines, then the body unchanged")
  void writesTheCorpusTemplate() {
    String rendered =
        MinutesRenderer.render(
            FrontMatter.forMeeting("2014-04-01", AMIR, "1st April 2014: Mini-OS"), "\nBody \n\n");

    assertThat(rendered)
        .isEqualTo(
            """
            ---
            updated: 2014-04-01
            author:
              name: Amir Chaudhry
              uri: http://amirchaudhry.com
              email: amirmc@gmail.com
            subject: 'Weekly Meeting: 2014-04-01'
            permalink: weekly-2014-04-01
            description: '1st April 2014: Mini-OS'
            ---

            Body\s

            """);
  }

  @Test
  @DisplayName("doubles a single quote inside subject and description")
  void doublesSingleQuotes() {
    FrontMatter frontMatter =
        new FrontMatter("2014-04-01", AMIR, "Anil's call", "weekly-2014-04-01", "it's 'quoted'");

    assertThat(MinutesRenderer.render(frontMatter, ""))
        .contains("\nsubject: 'Anil''s call'\n")
        .contains("\ndescription: 'it''s ''quoted'''\n");
  }

  @Test
  @DisplayName("writes an empty uri, email and description as ''")
  void writesEmptyValuesQuoted() {
    FrontMatter frontMatter =
        new FrontMatter("2014-04-01", new Author("Amir", "", ""), "S", "weekly-2014-04-01", "");

    assertThat(MinutesRenderer.render(frontMatter, ""))
        .contains("\n  uri: ''\n  email: ''\n")
        .contains("\ndescription: ''\n");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "n",
        "true",
        "False",
        "null",
        "Null",
        "~",
        "=",
        "<<",
        "123",
        "-1",
        "+1",
        "0x1F",
        "0o17",
        "1_000",
        "1e3",
        ".5",
        "3.14",
        "190:20:30",
        ".inf",
        "-.Inf",
        ".NaN",
        "2014-04-01",
        "2014-4-1 16:00",
        "#x",
        "a: b",
        "a #b",
        "ends:",
        "- item",
        "? key",
        ": x",
        ",x",
        "[x]",
        "]x",
        "{x}",
        "}x",
        "&anchor",
        "*alias",
        "!tag",
        "|block",
        ">folded",
        "'q",
        "\"q",
        "%directive",
        "@at",
        "`tick",
        " leading",
        "trailing ",
        "\u00A0nbsp",
        "nbsp\u00A0",
        "with\uFEFFbom",
        ""
      })
  @DisplayName("single-quotes a plain field whose plain form a YAML loader would misread")
  void quotesUnsafePlainValues(String name) {
    assertThat(nameLine(name)).isEqualTo("  name: " + YamlScalars.singleQuoted(name));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "Amir Chaudhry",
        "http://amirchaudhry.com",
        "amirmc@gmail.com",
        "weekly-2014-04-01",
        "O'Brien",
        "Zoë Ñandú",
        "C#",
        "a:b",
        "a#b",
        "yes please",
        "null pointer",
        "v1.2 beta",
        "José \"Pepe\"",
        "emoji \uD83D\uDE00",
        "dash-in-middle",
        "n/a",
        "a\u00A0b"
      })
  @DisplayName("keeps a plain field plain when YAML reads it back unchanged")
  void keepsSafeValuesPlain(String name) {
    assertThat(nameLine(name)).isEqualTo("  name: " + name);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2014-4-01, must be a date YYYY-MM-DD",
    "14-04-01, must be a date YYYY-MM-DD",
    "2014-04-01 16:00, must be a date YYYY-MM-DD",
    "2014-02-30, must be a real calendar date YYYY-MM-DD",
    "2015-02-29, must be a real calendar date YYYY-MM-DD",
    "2014-13-01, must be a real calendar date YYYY-MM-DD"
  })
  @DisplayName("refuses an updated value that is not a real date YYYY-MM-DD")
  void refusesBadDates(String updated, String problem) {
    FrontMatter frontMatter = new FrontMatter(updated, AMIR, "S", "p", "d");

    assertThatThrownBy(() -> MinutesRenderer.render(frontMatter, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("updated " + problem + ", found '" + updated + "'");
  }

  @Test
  @DisplayName("accepts 29 February of a leap year")
  void acceptsLeapDay() {
    FrontMatter frontMatter = new FrontMatter("2016-02-29", AMIR, "S", "p", "d");

    assertThat(MinutesRenderer.render(frontMatter, "")).startsWith("---\nupdated: 2016-02-29\n");
  }

  @Test
  @DisplayName("refuses an empty subject")
  void refusesEmptySubject() {
    FrontMatter frontMatter = new FrontMatter("2014-04-01", AMIR, "", "p", "d");

    assertThatThrownBy(() -> MinutesRenderer.validate(frontMatter))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("subject must not be empty");
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"000A", "000D", "0085", "2028", "2029"})
  @DisplayName("refuses a value containing a line break")
  void refusesLineBreaks(String hex) {
    String description = "one" + (char) Integer.parseInt(hex, 16) + "two";
    FrontMatter frontMatter = new FrontMatter("2014-04-01", AMIR, "S", "p", description);

    assertThatThrownBy(() -> MinutesRenderer.render(frontMatter, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "description contains a line break (U+"
                + hex
                + "); front matter values are single-line text");
  }

  @ParameterizedTest(name = "U+{0}")
  @ValueSource(strings = {"0000", "0009", "001B", "007F", "009F"})
  @DisplayName("refuses a value containing a control character")
  void refusesControlCharacters(String hex) {
    String name = "Amir" + (char) Integer.parseInt(hex, 16);

    assertThatThrownBy(() -> MinutesRenderer.render(withName(name), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "author.name contains a control character (U+"
                + hex
                + "); front matter values are single-line text");
  }

  @Test
  @DisplayName("refuses an unpaired surrogate, which no UTF-8 file can hold")
  void refusesUnpairedSurrogates() {
    FrontMatter frontMatter = new FrontMatter("2014-04-01", AMIR, "S\uD83D", "p", "d");

    assertThatThrownBy(() -> MinutesRenderer.render(frontMatter, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("subject contains an unpaired surrogate (U+D83D)");
  }

  @Test
  @DisplayName("refuses a body with CR characters")
  void refusesCarriageReturnsInBody() {
    FrontMatter frontMatter = FrontMatter.forMeeting("2014-04-01", AMIR, "d");

    assertThatThrownBy(() -> MinutesRenderer.render(frontMatter, "\nline\r\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("body contains CR characters: published minutes use LF line endings");
  }

  @Test
  @DisplayName("refuses null values in the records")
  void refusesNulls() {
    assertThatThrownBy(() -> new Author("Amir", null, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("uri");
    assertThatThrownBy(() -> new FrontMatter("2014-04-01", AMIR, null, "p", "d"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("subject");
  }
}
