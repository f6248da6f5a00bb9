package dev.minutes.render;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How one front matter value is written as a YAML scalar, and which values may be written at all.
 *
 * <p>The published files are read by YAML loaders we do not control (the docs site, PyYAML,
 * SnakeYAML; some still YAML 1.1). A value is written plain only when every such loader reads it
 * back as the same string; anything doubtful is single-quoted. Being too cautious costs nothing:
 * the parser takes this class's choice as the one canonical spelling of a value, so a file always
 * renders back to its own bytes.
 */
final class YamlScalars {

  /** Characters that start a YAML indicator (or are reserved) when they open a plain scalar. */
  private static final String LEADING_INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

  /**
   * Words YAML 1.1 or 1.2 resolves to null, booleans, the merge key or the value key. Compared
   * case-insensitively, which is stricter than any loader.
   */
  private static final Set<String> RESERVED_WORDS =
      Set.of("~", "null", "true", "false", "yes", "no", "y", "n", "on", "off", "=", "<<");

  /**
   * Anything that might be read as a number: ints and floats in all bases and YAML 1.1 sexagesimal
   * forms ({@code 190:20:30}), with {@code _} separators. Deliberately broad.
   */
  private static final Pattern NUMBER_LIKE = Pattern.compile("[-+]?\\.?[0-9][0-9A-Za-z_.:+-]*");

  private static final Pattern SPECIAL_FLOAT =
      Pattern.compile("[-+]?\\.(inf|nan)", Pattern.CASE_INSENSITIVE);

  /** YAML 1.1 timestamps, including the space-separated {@code 2014-04-01 16:00:00} form. */
  private static final Pattern TIMESTAMP_LIKE =
      Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt \t].*)?");

  private YamlScalars() {}

  /**
   * Why {@code value} cannot be a front matter value at all, or empty when it can. Front matter
   * values are single-line YAML-printable text: no line breaks (including the YAML 1.1 ones U+0085,
   * U+2028, U+2029), no control characters (tabs included), no unpaired surrogates and no
   * U+FFFE/U+FFFF.
   */
  static Optional<String> forbiddenCharacter(String value) {
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (cp == '\n' || cp == '\r' || cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
        return Optional.of("a line break (" + codePoint(cp) + ")");
      }
      if (Character.getType(cp) == Character.CONTROL) {
        return Optional.of("a control character (" + codePoint(cp) + ")");
      }
      if (Character.getType(cp) == Character.SURROGATE) {
        return Optional.of("an unpaired surrogate (" + codePoint(cp) + ")");
      }
      if (cp == 0xFFFE || cp == 0xFFFF) {
        return Optional.of("a non-character (" + codePoint(cp) + ")");
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  static String codePoint(int cp) {
    return String.format(Locale.ROOT, "U+%04X", cp);
  }

  /**
   * Whether {@code value} may be written as a plain (unquoted) scalar after {@code key: } and be
   * read back as the same string by YAML 1.1 and 1.2 loaders. Assumes {@link #forbiddenCharacter}
   * found nothing.
   */
  static boolean isSafePlain(String value) {
    if (value.isEmpty()) {
      return false;
    }
    int first = value.codePointAt(0);
    int last = value.codePointBefore(value.length());
    if (isSpaceLike(first) || isSpaceLike(last) || value.indexOf('\uFEFF') >= 0) {
      // Loaders strip surrounding white space from plain scalars; a BOM is not allowed in one.
      return false;
    }
    if (LEADING_INDICATORS.indexOf(value.charAt(0)) >= 0) {
      return false;
    }
    if (value.contains(": ") || value.contains(" #") || value.endsWith(":")) {
      // ": " and a trailing ":" would start a mapping, " #" a comment.
      return false;
    }
    return !RESERVED_WORDS.contains(value.toLowerCase(Locale.ROOT))
        && !NUMBER_LIKE.matcher(value).matches()
        && !SPECIAL_FLOAT.matcher(value).matches()
        && !TIMESTAMP_LIKE.matcher(value).matches();
  }

  private static boolean isSpaceLike(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0xFEFF;
  }

  /** {@code value} single-quoted, a {@code '} written as {@code ''}. */
  static String singleQuoted(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** {@code value} plain when that is safe, single-quoted otherwise. */
  static String plainOrQuoted(String value) {
    return isSafePlain(value) ? value : singleQuoted(value);
  }
}
