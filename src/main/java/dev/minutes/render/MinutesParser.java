package dev.minutes.render;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads published minutes in the docs site's format: a front matter of exactly 10 lines, then the
 * body.
 *
 * <p>This is a strict line parser for that one layout, not a YAML library: every value stays the
 * exact text of the file ({@code updated: 2014-04-01} is the string {@code "2014-04-01"}, never a
 * date). It accepts plain, single-quoted and simple double-quoted scalars, but only the spelling
 * {@link MinutesRenderer} would write: for every text it accepts, {@code
 * MinutesRenderer.render(parse(text))} is the same text, byte for byte. A front matter that is
 * readable but spelled differently (an unneeded quote, a double-quoted value, two spaces after a
 * colon) is refused with a message naming the line and showing the expected spelling, rather than
 * silently changing bytes when the file is published again.
 *
 * <p>Only the first two {@code ---} lines (lines 1 and 10) delimit; the body is everything after
 * line 10, kept byte for byte, whatever it holds. Text with CR characters is refused: published
 * files use LF line endings. Decoding bytes (and refusing invalid UTF-8) is the caller's job.
 */
public final class MinutesParser {

  private static final String DELIMITER = "---";
  private static final int CLOSING_LINE = 10;
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

  private MinutesParser() {}

  /**
   * Parses one published minutes text.
   *
   * @throws MinutesFormatException when the text does not follow the format, or would not render
   *     back to the same bytes
   */
  public static PublishedMinutes parse(String text) {
    if (text.indexOf('\r') >= 0) {
      throw new MinutesFormatException(
          "text contains CR characters: files must use LF line endings");
    }
    if (text.startsWith("\uFEFF")) {
      throw new MinutesFormatException(
          "text starts with a byte order mark (U+FEFF): files must be UTF-8 without BOM");
    }
    Lines lines = new Lines(text);
    String opening = lines.next();
    if (!DELIMITER.equals(opening)) {
      throw new MinutesFormatException(1, "expected '---' to open the front matter");
    }
    Map<Field, String> values = new EnumMap<>(Field.class);
    for (Field field : Field.values()) {
      if (field == Field.NAME) {
        readAuthorLine(lines);
      }
      values.put(field, readField(lines, field));
    }
    readClosingLine(lines);
    FrontMatter frontMatter =
        new FrontMatter(
            values.get(Field.UPDATED),
            new Author(values.get(Field.NAME), values.get(Field.URI), values.get(Field.EMAIL)),
            values.get(Field.SUBJECT),
            values.get(Field.PERMALINK),
            values.get(Field.DESCRIPTION));
    return new PublishedMinutes(frontMatter, lines.rest());
  }

  private static void readAuthorLine(Lines lines) {
    String line = nextFrontMatterLine(lines, "author");
    int number = lines.number();
    if (line.equals("author:")) {
      return;
    }
    Optional<String> key = keyOf(line);
    if (key.isPresent() && key.get().equals("author")) {
      if (!line.startsWith("author")) {
        throw new MinutesFormatException(number, "key 'author' must not be indented");
      }
      throw new MinutesFormatException(
          number,
          "expected 'author:' alone on its line, with name, uri and email on the indented lines"
              + " below");
    }
    throw new MinutesFormatException(number, expectedKeyProblem("author", key));
  }

  private static String readField(Lines lines, Field field) {
    String line = nextFrontMatterLine(lines, field.key());
    int number = lines.number();
    controlCharacterProblem(line)
        .ifPresent(
            p -> {
              throw new MinutesFormatException(number, p);
            });
    Optional<String> key = keyOf(line);
    if (key.isEmpty() || !key.get().equals(field.key())) {
      throw new MinutesFormatException(number, expectedKeyProblem(field.key(), key));
    }
    int indent = line.indexOf(field.key());
    String leading = line.substring(0, indent);
    if (!leading.equals(field.indentation())) {
      throw new MinutesFormatException(number, indentationProblem(field, leading));
    }
    String afterColon = line.substring(indent + field.key().length() + 1);
    if (afterColon.isEmpty()) {
      throw new MinutesFormatException(
          number, field.displayName() + " has no value (an empty value is written '')");
    }
    if (afterColon.charAt(0) != ' ') {
      throw new MinutesFormatException(number, "expected a space after '" + field.key() + ":'");
    }
    if (afterColon.length() > 1 && afterColon.charAt(1) == ' ') {
      throw new MinutesFormatException(
          number, "expected exactly one space after '" + field.key() + ":'");
    }
    Scalar scalar = readScalar(afterColon.substring(1), field, number);
    if (field == Field.UPDATED && scalar.style() != Scalar.Style.PLAIN) {
      throw new MinutesFormatException(number, "updated must be an unquoted date YYYY-MM-DD");
    }
    MinutesRenderer.problem(field, scalar.value())
        .ifPresent(
            p -> {
              throw new MinutesFormatException(number, field.displayName() + " " + p);
            });
    String canonical = MinutesRenderer.line(field, scalar.value());
    if (!canonical.equals(line + "\n")) {
      throw new MinutesFormatException(number, notCanonicalProblem(field, scalar, canonical));
    }
    return scalar.value();
  }

  private static void readClosingLine(Lines lines) {
    String line = lines.next();
    if (line == null) {
      throw new MinutesFormatException("front matter is not closed by '---'");
    }
    if (!line.equals(DELIMITER)) {
      Optional<String> key = keyOf(line);
      throw new MinutesFormatException(
          CLOSING_LINE,
          key.isPresent()
              ? "expected '---' to close the front matter, found key '"
                  + key.get()
                  + "' (the front matter holds exactly updated, author, subject, permalink and"
                  + " description)"
              : "expected '---' to close the front matter");
    }
    if (!lines.lastEndedWithNewline()) {
      throw new MinutesFormatException(
          CLOSING_LINE, "the closing '---' must end with a line break");
    }
  }

  /** The next line, which must exist and must not close the front matter early. */
  private static String nextFrontMatterLine(Lines lines, String expectedKey) {
    String line = lines.next();
    if (line == null) {
      throw new MinutesFormatException("front matter is not closed by '---'");
    }
    if (line.equals(DELIMITER)) {
      throw new MinutesFormatException(
          lines.number(),
          "expected key '"
              + expectedKey
              + "' but the front matter ends here (it has exactly 10"
              + " lines)");
    }
    return line;
  }

  private static String indentationProblem(Field field, String leading) {
    if (!leading.chars().allMatch(c -> c == ' ')) {
      return "key '" + field.key() + "' must be indented with spaces only";
    }
    return field.indent() == 0
        ? "key '" + field.key() + "' must not be indented"
        : "key '"
            + field.key()
            + "' must be indented by exactly "
            + field.indent()
            + " spaces, found "
            + leading.length();
  }

  private static String expectedKeyProblem(String expected, Optional<String> found) {
    return found
        .map(key -> "expected key '" + expected + "', found '" + key + "'")
        .orElse("expected key '" + expected + "'");
  }

  /** The key of a {@code key: value} line (ignoring indentation), if the line has a simple one. */
  private static Optional<String> keyOf(String line) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String key = line.substring(0, colon).strip();
    return SIMPLE_KEY.matcher(key).matches() ? Optional.of(key) : Optional.empty();
  }

  private static Optional<String> controlCharacterProblem(String line) {
    return line
        .codePoints()
        .filter(cp -> Character.getType(cp) == Character.CONTROL)
        .findFirst()
        .stream()
        .mapToObj(
            cp ->
                "control character "
                    + YamlScalars.codePoint(cp)
                    + " is not allowed in the front matter")
        .findFirst();
  }

  private static String notCanonicalProblem(Field field, Scalar scalar, String canonical) {
    String expected = "write it as: " + canonical.strip();
    String name = field.displayName();
    return switch (scalar.style()) {
      case DOUBLE_QUOTED ->
          name + " is double-quoted; the published format uses single quotes, " + expected;
      case SINGLE_QUOTED -> name + " is quoted but needs no quotes; " + expected;
      case PLAIN ->
          field.style() == Field.Style.SINGLE_QUOTED
              ? name + " must be single-quoted; " + expected
              : name + " needs quotes to read back as the same text; " + expected;
    };
  }

  /** Reads the text after {@code key: } as one YAML scalar that ends the line. */
  private static Scalar readScalar(String raw, Field field, int number) {
    if (raw.startsWith("'")) {
      return readSingleQuoted(raw, field, number);
    }
    if (raw.startsWith("\"")) {
      return readDoubleQuoted(raw, field, number);
    }
    if (raw.endsWith(" ")) {
      throw new MinutesFormatException(
          number, "trailing whitespace after the value of '" + field.key() + "'");
    }
    if (raw.contains(" #")) {
      throw new MinutesFormatException(number, "comments are not allowed in the front matter");
    }
    return new Scalar(raw, Scalar.Style.PLAIN);
  }

  private static Scalar readSingleQuoted(String raw, Field field, int number) {
    StringBuilder value = new StringBuilder(raw.length());
    int i = 1;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c != '\'') {
        value.append(c);
        i++;
      } else if (i + 1 < raw.length() && raw.charAt(i + 1) == '\'') {
        value.append('\'');
        i += 2;
      } else {
        requireNothingAfterQuote(raw, i + 1, field, number);
        return new Scalar(value.toString(), Scalar.Style.SINGLE_QUOTED);
      }
    }
    throw new MinutesFormatException(
        number, "the single-quoted value of '" + field.key() + "' is not closed on its line");
  }

  /**
   * Reads a double-quoted scalar with the simple escapes ({@code \\ \" \/ \\uXXXX}). The published
   * format never uses double quotes, so such a value is always refused afterwards; it is read only
   * to tell the user the exact single-quoted spelling to use instead.
   */
  private static Scalar readDoubleQuoted(String raw, Field field, int number) {
    StringBuilder value = new StringBuilder(raw.length());
    int i = 1;
    while (i < raw.length()) {
      char c = raw.charAt(i);
      if (c == '"') {
        requireNothingAfterQuote(raw, i + 1, field, number);
        return new Scalar(value.toString(), Scalar.Style.DOUBLE_QUOTED);
      }
      if (c != '\\') {
        value.append(c);
        i++;
        continue;
      }
      if (i + 1 >= raw.length()) {
        break;
      }
      char escape = raw.charAt(i + 1);
      switch (escape) {
        case '\\', '"', '/' -> {
          value.append(escape);
          i += 2;
        }
        case 'u' -> {
          String hex = raw.substring(i + 2, Math.min(i + 6, raw.length()));
          if (!hex.matches("[0-9A-Fa-f]{4}")) {
            throw new MinutesFormatException(
                number, "invalid \\u escape in the double-quoted value of '" + field.key() + "'");
          }
          value.append((char) Integer.parseInt(hex, 16));
          i += 6;
        }
        default ->
            throw new MinutesFormatException(
                number,
                "unsupported escape '\\"
                    + escape
                    + "' in the double-quoted value of '"
                    + field.key()
                    + "'");
      }
    }
    throw new MinutesFormatException(
        number, "the double-quoted value of '" + field.key() + "' is not closed on its line");
  }

  private static void requireNothingAfterQuote(String raw, int end, Field field, int number) {
    if (end < raw.length()) {
      throw new MinutesFormatException(
          number, "unexpected text after the closing quote of '" + field.key() + "'");
    }
  }

  /** A scalar as read, with the style it was written in. */
  private record Scalar(String value, Style style) {
    enum Style {
      PLAIN,
      SINGLE_QUOTED,
      DOUBLE_QUOTED
    }
  }

  /** Walks the text line by line ({@code \n} only), remembering where the rest begins. */
  private static final class Lines {
    private final String text;
    private int position;
    private int number;
    private boolean lastEndedWithNewline;

    Lines(String text) {
      this.text = text;
    }

    /** The next line without its {@code \n}, or null at the end of the text. */
    String next() {
      if (position >= text.length()) {
        lastEndedWithNewline = false;
        return null;
      }
      int end = text.indexOf('\n', position);
      number++;
      String line;
      if (end < 0) {
        line = text.substring(position);
        position = text.length();
        lastEndedWithNewline = false;
      } else {
        line = text.substring(position, end);
        position = end + 1;
        lastEndedWithNewline = true;
      }
      return line;
    }

    /** The 1-based number of the line last returned by {@link #next()}. */
    int number() {
      return number;
    }

    boolean lastEndedWithNewline() {
      return lastEndedWithNewline;
    }

    /** Everything after the last line returned, byte for byte. */
    String rest() {
      return text.substring(position);
    }
  }
}
