package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MinutesParserTest {

  private static final String VALID =
      """
      ---
      updated: 2014-04-01
      author:
        name: Amir Chaudhry
        uri: http://amirchaudhry.com
        email: amirmc@gmail.com
      subject: 'Weekly Meeting: 2014-04-01'
      permalink: weekly-2014-04-01
      description: '1st April 2014: Mini-OS, IOCaml and Xenstore'
      ---

      ### Agenda ###

      """;

  /** {@link #VALID} with its 1-based line {@code number} replaced by {@code replacement}. */
  private static String withLine(int number, String replacement) {
    String[] lines = VALID.split("\n", -1);
    lines[number - 1] = replacement;
    return String.join("\n", lines);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String text) {
    return assertThatThrownBy(() -> MinutesParser.parse(text))
        .isInstanceOf(MinutesFormatException.class);
  }

  private static PublishedMinutes roundTrip(FrontMatter frontMatter, String body) {
    String rendered = MinutesRenderer.render(frontMatter, body);
    PublishedMinutes parsed = MinutesParser.parse(rendered);
    assertThat(parsed).isEqualTo(new PublishedMinutes(frontMatter, body));
    assertThat(parsed.render()).isEqualTo(rendered);
    return parsed;
  }

  private static FrontMatter frontMatter(String description) {
    return FrontMatter.forMeeting(
        "2014-04-01",
        new Author("Amir Chaudhry", "http://amirchaudhry.com", "amirmc@gmail.com"),
        description);
  }

  @Test
  @DisplayName("reads every value as the exact string of the file, the date included")
  void readsValuesAsStrings() {
    PublishedMinutes minutes = MinutesParser.parse(VALID);

    assertThat(minutes.frontMatter().updated()).isEqualTo("2014-04-01");
    assertThat(minutes.frontMatter().subject()).isEqualTo("Weekly Meeting: 2014-04-01");
    assertThat(minutes.body()).isEqualTo("\n### Agenda ###\n\n");
  }

  @Nested
  @DisplayName("Round trips of generated files")
  class Variants {

    @Test
    @DisplayName("unicode in body and description: emoji, no-break space, combining characters")
    void unicode() {
      String description = "Café \uD83D\uDE80 na\u0308ive\u00A0text — ok";
      String body = "\nZoë \uD83C\uDF89\u00A0and e\u0301\u0301 \uD834\uDD1E\n\n";

      roundTrip(frontMatter(description), body);
    }

    @Test
    @DisplayName("a description with single quotes is written doubled and read back")
    void singleQuotes() {
      PublishedMinutes parsed = roundTrip(frontMatter("Anil's 'big' day''"), "\n");

      assertThat(parsed.render()).contains("description: 'Anil''s ''big'' day'''''\n");
    }

    @Test
    @DisplayName("a body with no agenda at all")
    void noAgenda() {
      roundTrip(frontMatter("nothing planned"), "\nAttendees: Amir\n\n### Notes ###\n\n");
    }

    @Test
    @DisplayName("very long lines in the description and the body")
    void longLines() {
      roundTrip(frontMatter("x: ".repeat(2000)), "\n" + "word ".repeat(20_000) + "\n\n");
    }

    @Test
    @DisplayName("an empty body")
    void emptyBody() {
      PublishedMinutes parsed = roundTrip(frontMatter("d"), "");

      assertThat(parsed.render()).endsWith("description: 'd'\n---\n");
    }

    @Test
    @DisplayName("a body holding '---' lines, which only line 1 and line 10 delimit")
    void bodyWithDelimiterLines() {
      roundTrip(frontMatter("d"), "---\n---\nupdated: 2000-01-01\n---\n");
    }

    @Test
    @DisplayName("a body with trailing spaces, HTML comments, tabs and no final line break")
    void bodyKeptByteForByte() {
      roundTrip(frontMatter("d"), "\nhard break  \n<!-- hidden\n -->\n\tcode\nend");
    }

    @Test
    @DisplayName("an author with empty uri and email")
    void emptyAuthorFields() {
      FrontMatter frontMatter =
          new FrontMatter("2014-04-01", new Author("Amir", "", ""), "S", "weekly-2014-04-01", "");

      PublishedMinutes parsed = roundTrip(frontMatter, "\n");

      assertThat(parsed.render()).contains("\n  uri: ''\n  email: ''\n");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yes", "null", "#x", "a: b", "~", "2014-04-01", " padded ", "O'Hara"})
    @DisplayName("plain fields that need quoting round trip to the same values")
    void quotedPlainFields(String value) {
      FrontMatter frontMatter =
          new FrontMatter("2014-04-01", new Author(value, value, value), "S", value, "d");

      roundTrip(frontMatter, "\n");
    }
  }

  @Nested
  @DisplayName("Refusals")
  class Refusals {

    @Test
    @DisplayName("text with CR characters is refused: files use LF line endings")
    void crlf() {
      assertRefused(VALID.replace("\n", "\r\n"))
          .hasMessage("text contains CR characters: files must use LF line endings");
    }

    @Test
    @DisplayName("a lone CR in the body is refused too")
    void loneCarriageReturnInBody() {
      assertRefused(VALID + "x\ry\n")
          .hasMessage("text contains CR characters: files must use LF line endings");
    }

    @Test
    @DisplayName("a byte order mark is refused")
    void byteOrderMark() {
      assertRefused("\uFEFF" + VALID)
          .hasMessage(
              "text starts with a byte order mark (U+FEFF): files must be UTF-8 without BOM");
    }

    @Test
    @DisplayName("an empty text is refused at line 1")
    void emptyText() {
      assertRefused("").hasMessage("line 1: expected '---' to open the front matter");
    }

    @Test
    @DisplayName("a text without front matter is refused at line 1")
    void noFrontMatter() {
      assertRefused("### Agenda ###\n")
          .hasMessage("line 1: expected '---' to open the front matter");
    }

    @Test
    @DisplayName("an opening '---' with trailing spaces is refused")
    void openingWithTrailingSpace() {
      assertRefused(withLine(1, "--- "))
          .hasMessage("line 1: expected '---' to open the front matter");
    }

    @Test
    @DisplayName("a missing key is refused, naming the expected one")
    void missingKey() {
      assertRefused(withLine(7, "permalink: weekly-2014-04-01"))
          .hasMessage("line 7: expected key 'subject', found 'permalink'");
    }

    @Test
    @DisplayName("a line that is no key at all is refused, naming the expected key")
    void notAKey() {
      assertRefused(withLine(7, "Weekly Meeting")).hasMessage("line 7: expected key 'subject'");
    }

    @Test
    @DisplayName("a front matter closed too early is refused")
    void closedEarly() {
      assertRefused(withLine(5, "---"))
          .hasMessage(
              "line 5: expected key 'uri' but the front matter ends here (it has exactly 10"
                  + " lines)");
    }

    @Test
    @DisplayName("a front matter never closed is refused")
    void notClosed() {
      String[] lines = VALID.split("\n");
      String unclosed = String.join("\n", java.util.Arrays.copyOf(lines, 9)) + "\n";

      assertRefused(unclosed).hasMessage("front matter is not closed by '---'");
    }

    @Test
    @DisplayName("a text that stops in the middle of the front matter is refused")
    void truncated() {
      assertRefused("---\nupdated: 2014-04-01\nauthor:\n")
          .hasMessage("front matter is not closed by '---'");
    }

    @Test
    @DisplayName("an extra key instead of the closing '---' is refused")
    void extraKey() {
      assertRefused(withLine(10, "tags: ocaml"))
          .hasMessage(
              "line 10: expected '---' to close the front matter, found key 'tags' (the front"
                  + " matter holds exactly updated, author, subject, permalink and description)");
    }

    @Test
    @DisplayName("a closing line that is not '---' is refused")
    void badClosingLine() {
      assertRefused(withLine(10, "..."))
          .hasMessage("line 10: expected '---' to close the front matter");
    }

    @Test
    @DisplayName("a closing '---' at the very end without a line break is refused")
    void closingWithoutLineBreak() {
      String text = VALID.substring(0, VALID.indexOf("---\n\n### Agenda") + 3);

      assertRefused(text).hasMessage("line 10: the closing '---' must end with a line break");
    }

    @Test
    @DisplayName("a date that is not YYYY-MM-DD is refused")
    void badDateShape() {
      assertRefused(withLine(2, "updated: 2014-04-01 16:00"))
          .hasMessage("line 2: updated must be a date YYYY-MM-DD, found '2014-04-01 16:00'");
    }

    @Test
    @DisplayName("a date that does not exist is refused")
    void impossibleDate() {
      assertRefused(withLine(2, "updated: 2014-02-30"))
          .hasMessage(
              "line 2: updated must be a real calendar date YYYY-MM-DD, found '2014-02-30'");
    }

    @Test
    @DisplayName("a quoted date is refused")
    void quotedDate() {
      assertRefused(withLine(2, "updated: '2014-04-01'"))
          .hasMessage("line 2: updated must be an unquoted date YYYY-MM-DD");
    }

    @Test
    @DisplayName("an empty subject is refused")
    void emptySubject() {
      assertRefused(withLine(7, "subject: ''")).hasMessage("line 7: subject must not be empty");
    }

    @Test
    @DisplayName("a key without a value is refused")
    void missingValue() {
      assertRefused(withLine(5, "  uri:"))
          .hasMessage("line 5: author.uri has no value (an empty value is written '')");
    }

    @Test
    @DisplayName("a wrongly indented author field is refused")
    void wrongIndentation() {
      assertRefused(withLine(4, "    name: Amir Chaudhry"))
          .hasMessage("line 4: key 'name' must be indented by exactly 2 spaces, found 4");
    }

    @Test
    @DisplayName("an indented top-level key is refused")
    void indentedTopLevelKey() {
      assertRefused(withLine(8, " permalink: weekly-2014-04-01"))
          .hasMessage("line 8: key 'permalink' must not be indented");
    }

    @Test
    @DisplayName("an author mapping written inline is refused")
    void inlineAuthor() {
      assertRefused(withLine(3, "author: {name: Amir}"))
          .hasMessage(
              "line 3: expected 'author:' alone on its line, with name, uri and email on the"
                  + " indented lines below");
    }

    @Test
    @DisplayName("a value without a space after the colon is refused")
    void noSpaceAfterColon() {
      assertRefused(withLine(8, "permalink:weekly-2014-04-01"))
          .hasMessage("line 8: expected a space after 'permalink:'");
    }

    @Test
    @DisplayName("two spaces after the colon are refused")
    void twoSpacesAfterColon() {
      assertRefused(withLine(8, "permalink:  weekly-2014-04-01"))
          .hasMessage("line 8: expected exactly one space after 'permalink:'");
    }

    @Test
    @DisplayName("trailing whitespace after a plain value is refused")
    void trailingWhitespace() {
      assertRefused(withLine(8, "permalink: weekly-2014-04-01 "))
          .hasMessage("line 8: trailing whitespace after the value of 'permalink'");
    }

    @Test
    @DisplayName("a comment after a value is refused")
    void comment() {
      assertRefused(withLine(8, "permalink: weekly-2014-04-01 # slug"))
          .hasMessage("line 8: comments are not allowed in the front matter");
    }

    @Test
    @DisplayName("text after a closing quote is refused")
    void textAfterQuote() {
      assertRefused(withLine(7, "subject: 'Weekly' Meeting"))
          .hasMessage("line 7: unexpected text after the closing quote of 'subject'");
    }

    @Test
    @DisplayName("an unterminated single-quoted value is refused")
    void unterminatedQuote() {
      assertRefused(withLine(7, "subject: 'Weekly Meeting"))
          .hasMessage("line 7: the single-quoted value of 'subject' is not closed on its line");
    }

    @Test
    @DisplayName("a subject written plain is refused, showing the quoted spelling")
    void plainSubject() {
      assertRefused(withLine(7, "subject: Weekly Meeting"))
          .hasMessage(
              "line 7: subject must be single-quoted; write it as: subject: 'Weekly Meeting'");
    }

    @Test
    @DisplayName("an unnecessarily quoted name is refused rather than re-rendered differently")
    void unnecessaryQuotes() {
      assertRefused(withLine(4, "  name: 'Amir Chaudhry'"))
          .hasMessage(
              "line 4: author.name is quoted but needs no quotes; write it as: name: Amir"
                  + " Chaudhry");
    }

    @Test
    @DisplayName("a plain value that YAML would misread is refused, showing the quoted spelling")
    void plainValueNeedingQuotes() {
      assertRefused(withLine(6, "  email: yes"))
          .hasMessage(
              "line 6: author.email needs quotes to read back as the same text; write it as:"
                  + " email: 'yes'");
    }

    @Test
    @DisplayName("a double-quoted value is refused, showing the single-quoted spelling")
    void doubleQuoted() {
      assertRefused(withLine(9, "description: \"Anil\\\"s day: \\u00e9t\\u00e9\""))
          .hasMessage(
              "line 9: description is double-quoted; the published format uses single quotes,"
                  + " write it as: description: 'Anil\"s day: été'");
    }

    @Test
    @DisplayName("a double-quoted value with an escape we do not read is refused")
    void unsupportedEscape() {
      assertRefused(withLine(9, "description: \"a\\tb\""))
          .hasMessage(
              "line 9: unsupported escape '\\t' in the double-quoted value of 'description'");
    }

    @Test
    @DisplayName("a control character in the front matter is refused")
    void controlCharacter() {
      assertRefused(withLine(4, "  name:\tAmir"))
          .hasMessage("line 4: control character U+0009 is not allowed in the front matter");
    }

    @Test
    @DisplayName("a YAML 1.1 line break inside a value is refused")
    void unicodeLineSeparator() {
      assertRefused(withLine(9, "description: 'one\u2028two'"))
          .hasMessage(
              "line 9: description contains a line break (U+2028); front matter values are"
                  + " single-line text");
    }

    @Test
    @DisplayName("keys in another order are refused")
    void keysOutOfOrder() {
      String swapped =
          VALID.replace(
              "  uri: http://amirchaudhry.com\n  email: amirmc@gmail.com\n",
              "  email: amirmc@gmail.com\n  uri: http://amirchaudhry.com\n");

      assertRefused(swapped).hasMessage("line 5: expected key 'uri', found 'email'");
    }

    @Test
    @DisplayName("a refusal reports its line number")
    void reportsLineNumber() {
      assertThatThrownBy(() -> MinutesParser.parse(withLine(8, "permalink:")))
          .isInstanceOfSatisfying(
              MinutesFormatException.class, e -> assertThat(e.line()).isEqualTo(8));
    }
  }
}
