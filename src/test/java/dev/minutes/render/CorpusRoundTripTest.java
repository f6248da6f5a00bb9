package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Corpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Every published corpus file parses and renders back to the same bytes")
class CorpusRoundTripTest {

  static List<Path> corpusFiles() {
    List<Path> files = Corpus.files();
    assertThat(files)
        .as("corpus files in %s", Corpus.directory().toAbsolutePath())
        .hasSizeGreaterThanOrEqualTo(Corpus.EXPECTED_FILES);
    return files;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusFiles")
  @DisplayName("parse then render gives the file's exact bytes")
  void roundTripsByteForByte(Path file) {
    byte[] original = Corpus.bytes(file);

    PublishedMinutes minutes = MinutesParser.parse(Corpus.text(file));
    byte[] rendered = minutes.render().getBytes(StandardCharsets.UTF_8);

    assertThat(rendered).isEqualTo(original);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusFiles")
  @DisplayName("the parsed front matter follows the corpus invariants")
  void followsCorpusInvariants(Path file) {
    FrontMatter frontMatter = MinutesParser.parse(Corpus.text(file)).frontMatter();

    assertThat(frontMatter.fileName()).isEqualTo(file.getFileName().toString());
    assertThat(frontMatter.subject()).isEqualTo("Weekly Meeting: " + frontMatter.updated());
    assertThat(frontMatter.permalink()).isEqualTo("weekly-" + frontMatter.updated());
    assertThat(frontMatter)
        .isEqualTo(
            FrontMatter.forMeeting(
                frontMatter.updated(), frontMatter.author(), frontMatter.description()));
  }

  @Test
  @DisplayName("2014-04-01 reads as the values the corpus README shows")
  void readsTheReadmeExample() {
    PublishedMinutes minutes = MinutesParser.parse(Corpus.text("2014-04-01.md"));

    assertThat(minutes.frontMatter())
        .isEqualTo(
            new FrontMatter(
                "2014-04-01",
                new Author("Amir Chaudhry", "http://amirchaudhry.com", "amirmc@gmail.com"),
                "Weekly Meeting: 2014-04-01",
                "weekly-2014-04-01",
                "1st April 2014: Mini-OS, IOCaml and Xenstore"));
    assertThat(minutes.body()).startsWith("\n### Agenda ###\n\n").endsWith("\n\n");
  }

  @Test
  @DisplayName("2013-05-28 keeps its eleven trailing empty lines and its own author")
  void keepsTrailingEmptyLines() {
    PublishedMinutes minutes = MinutesParser.parse(Corpus.text("2013-05-28.md"));

    assertThat(minutes.frontMatter().author())
        .isEqualTo(new Author("Anil Madhavapeddy", "http://anil.recoil.org", "anil@recoil.org"));
    assertThat(minutes.frontMatter().description())
        .isEqualTo(
            "28 May 2013: Build pain reduced to mild ache, Try Mirage, Benchmarking available");
    assertThat(minutes.body()).endsWith("\n".repeat(12)).doesNotEndWith("\n".repeat(13));
  }

  @Test
  @DisplayName("2015-12-02 keeps its no-break spaces in the body")
  void keepsNoBreakSpaces() {
    PublishedMinutes minutes = MinutesParser.parse(Corpus.text("2015-12-02.md"));

    assertThat(minutes.frontMatter().updated()).isEqualTo("2015-12-02");
    assertThat(minutes.body()).contains("\u00A0").startsWith("\n### Agenda ###\n");
  }
}
