package dev.minutes.render;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Writes published minutes in the docs site's format ({@code docs/format.md}): the 10-line front
 * matter, then the body unchanged.
 *
 * <p>{@code subject} and {@code description} are always single-quoted, as in every published file.
 * {@code name}, {@code uri}, {@code email} and {@code permalink} are plain when a YAML 1.1 or 1.2
 * loader reads them back as the same string, single-quoted otherwise (so {@code yes}, {@code null},
 * {@code #x} or {@code a: b} come out quoted, and an empty value as {@code ''}). {@code updated} is
 * always a plain {@code YYYY-MM-DD}. Whatever this class writes, {@link MinutesParser} reads back
 * to equal values.
 */
public final class MinutesRenderer {

  private static final Pattern DATE_SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final DateTimeFormatter STRICT_DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private MinutesRenderer() {}

  /**
   * The whole published file.
   *
   * @throws IllegalArgumentException when a front matter value breaks the rules of {@link
   *     #validate(FrontMatter)}, or the body contains a CR (published files use LF line endings)
   */
  public static String render(FrontMatter frontMatter, String body) {
    validate(frontMatter);
    if (body.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "body contains CR characters: published minutes use LF line endings");
    }
    Author author = frontMatter.author();
    return new StringBuilder(256 + body.length())
        .append("---\n")
        .append(line(Field.UPDATED, frontMatter.updated()))
        .append("author:\n")
        .append(line(Field.NAME, author.name()))
        .append(line(Field.URI, author.uri()))
        .append(line(Field.EMAIL, author.email()))
        .append(line(Field.SUBJECT, frontMatter.subject()))
        .append(line(Field.PERMALINK, frontMatter.permalink()))
        .append(line(Field.DESCRIPTION, frontMatter.description()))
        .append("---\n")
        .append(body)
        .toString();
  }

  /**
   * Checks that {@code frontMatter} can be published: {@code updated} is a real calendar date
   * {@code YYYY-MM-DD}, {@code subject} is not empty, and every value is single-line text (no line
   * breaks, control characters, unpaired surrogates or U+FFFE/U+FFFF).
   *
   * @throws IllegalArgumentException naming the first field that breaks a rule
   */
  public static void validate(FrontMatter frontMatter) {
    Author author = frontMatter.author();
    check(Field.UPDATED, frontMatter.updated());
    check(Field.NAME, author.name());
    check(Field.URI, author.uri());
    check(Field.EMAIL, author.email());
    check(Field.SUBJECT, frontMatter.subject());
    check(Field.PERMALINK, frontMatter.permalink());
    check(Field.DESCRIPTION, frontMatter.description());
  }

  private static void check(Field field, String value) {
    problem(field, value)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(field.displayName() + " " + problem);
            });
  }

  /**
   * What is wrong with {@code value} for {@code field}, phrased to follow the field's name ("must
   * not be empty"), or empty when it may be published. Shared with the parser so that both refuse
   * exactly the same values.
   */
  static Optional<String> problem(Field field, String value) {
    Optional<String> character = YamlScalars.forbiddenCharacter(value);
    if (character.isPresent()) {
      return Optional.of(
          "contains " + character.get() + "; front matter values are single-line text");
    }
    if (field == Field.UPDATED) {
      return dateProblem(value);
    }
    if (field == Field.SUBJECT && value.isEmpty()) {
      return Optional.of("must not be empty");
    }
    return Optional.empty();
  }

  private static Optional<String> dateProblem(String value) {
    if (!DATE_SHAPE.matcher(value).matches()) {
      return Optional.of("must be a date YYYY-MM-DD, found '" + value + "'");
    }
    try {
      LocalDate.parse(value, STRICT_DATE);
      return Optional.empty();
    } catch (DateTimeException e) {
      return Optional.of("must be a real calendar date YYYY-MM-DD, found '" + value + "'");
    }
  }

  /** The exact front matter line for {@code field}, with its indentation and final newline. */
  static String line(Field field, String value) {
    return field.indentation() + field.key() + ": " + scalar(field, value) + "\n";
  }

  /** How {@code value} is written after {@code key: }. */
  static String scalar(Field field, String value) {
    return switch (field.style()) {
      case PLAIN_DATE -> value;
      case SINGLE_QUOTED -> YamlScalars.singleQuoted(value);
      case PLAIN_WHEN_SAFE -> YamlScalars.plainOrQuoted(value);
    };
  }
}
