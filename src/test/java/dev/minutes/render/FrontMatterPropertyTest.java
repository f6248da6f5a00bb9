package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

@DisplayName("Random front matter values survive render, parse and render again")
class FrontMatterPropertyTest {

  private static final int CASES = 500;

  /** Values made to hit YAML's corners: indicators, reserved words, numbers, quotes, spaces. */
  private static final List<String> TRICKY =
      List.of(
          "yes",
          "NO",
          "on",
          "Off",
          "null",
          "~",
          "true",
          "=",
          "<<",
          "0",
          "-0",
          "0x1F",
          "1e3",
          "1_000",
          ".inf",
          "-.NaN",
          "12:30:45",
          "2014-04-01",
          "2014-04-01 16:00",
          "#",
          "- ",
          "? ",
          ": ",
          "a: b",
          "a #b",
          "x:",
          "'",
          "''",
          "\"",
          "[",
          "{",
          "&a",
          "*a",
          "!t",
          "|",
          ">",
          "%",
          "@",
          "`",
          " ",
          "\u00A0",
          "\u3000",
          "\uFEFF",
          "---",
          "...",
          "\\",
          "\\n");

  @Test
  @DisplayName("render then parse returns equal records, and rendering again gives equal bytes")
  void renderParseRender() {
    Random random = new Random(20140401L);
    for (int i = 0; i < CASES; i++) {
      FrontMatter frontMatter = randomFrontMatter(random);
      String body = randomText(random, 200) + "\n";

      String rendered = MinutesRenderer.render(frontMatter, body);
      PublishedMinutes parsed = MinutesParser.parse(rendered);

      assertThat(parsed.frontMatter()).as("case %d: %s", i, rendered).isEqualTo(frontMatter);
      assertThat(parsed.body()).isEqualTo(body);
      assertThat(parsed.render()).isEqualTo(rendered);
    }
  }

  /**
   * An independent check of the quoting rules: SnakeYAML (a YAML 1.1 loader with the default
   * resolver, which turns {@code yes} into a boolean and {@code 2014-04-01} into a date) must read
   * every rendered string value back as the same string. SnakeYAML comes with Redisson's
   * jackson-dataformat-yaml.
   */
  @Test
  @DisplayName("a YAML 1.1 loader reads every rendered string value back unchanged")
  void yamlLoaderAgrees() {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Random random = new Random(20150701L);
    for (int i = 0; i < CASES; i++) {
      FrontMatter frontMatter = randomFrontMatter(random);
      String rendered = MinutesRenderer.render(frontMatter, "");
      String yamlText = rendered.substring(4, rendered.length() - 4);

      Map<String, Object> loaded = yaml.load(yamlText);
      @SuppressWarnings("unchecked")
      Map<String, Object> author = (Map<String, Object>) loaded.get("author");

      assertThat(author.get("name"))
          .as("case %d: %s", i, rendered)
          .isEqualTo(frontMatter.author().name());
      assertThat(author.get("uri")).as("case %d", i).isEqualTo(frontMatter.author().uri());
      assertThat(author.get("email")).as("case %d", i).isEqualTo(frontMatter.author().email());
      assertThat(loaded.get("subject")).as("case %d", i).isEqualTo(frontMatter.subject());
      assertThat(loaded.get("permalink")).as("case %d", i).isEqualTo(frontMatter.permalink());
      assertThat(loaded.get("description")).as("case %d", i).isEqualTo(frontMatter.description());
    }
  }

  private static FrontMatter randomFrontMatter(Random random) {
    LocalDate date = LocalDate.of(1900, 1, 1).plusDays(random.nextInt(200 * 366));
    String subject = randomValue(random);
    return new FrontMatter(
        date.toString(),
        new Author(randomValue(random), randomValue(random), randomValue(random)),
        subject.isEmpty() ? "S" : subject,
        randomValue(random),
        randomValue(random));
  }

  /** A value built from tricky fragments and random printable code points. */
  private static String randomValue(Random random) {
    List<String> parts = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      parts.add(
          random.nextInt(3) == 0
              ? TRICKY.get(random.nextInt(TRICKY.size()))
              : randomText(random, 12));
    }
    return String.join(random.nextBoolean() ? " " : "", parts);
  }

  /** Printable text without line breaks: ASCII, Latin, CJK, combining marks, astral emoji. */
  private static String randomText(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    while (text.length() < length) {
      int cp = randomCodePoint(random);
      if (YamlScalars.forbiddenCharacter(new String(Character.toChars(cp))).isEmpty()) {
        text.appendCodePoint(cp);
      }
    }
    return text.toString();
  }

  private static int randomCodePoint(Random random) {
    return switch (random.nextInt(6)) {
      case 0, 1 -> 0x20 + random.nextInt(0x5F);
      case 2 -> 0xA0 + random.nextInt(0x250);
      case 3 -> 0x300 + random.nextInt(0x70);
      case 4 -> 0x2000 + random.nextInt(0xD000);
      default -> 0x1F300 + random.nextInt(0x300);
    };
  }
}
