package dev.minutes.render;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places user-written one-line text (agenda titles, names) into generated Markdown without changing
 * the block structure around it.
 *
 * <p>The text stays inline Markdown, as people write it in the corpus (inline code, links, emphasis
 * all keep working). Only what would turn a bullet or a heading into something else gets a
 * backslash escape: a start that opens a nested block (a list marker, {@code #}, {@code >}, a
 * fence, a thematic break, a task box, a link reference definition), and a trailing {@code #} run
 * that a heading would read as its closing sequence.
 */
final class MarkdownText {

  private static final Pattern TASK_BOX = Pattern.compile("\\[[ xX]\\](?:[ \\t].*)?");
  private static final Pattern LINK_REFERENCE_DEFINITION = Pattern.compile("\\[[^\\]]+\\]:.*");
  private static final Pattern ORDERED_LIST_MARKER = Pattern.compile("([0-9]{1,9})([.)].*)");
  private static final Pattern ATX_HEADING = Pattern.compile("#{1,6}(?:[ \\t].*)?");
  private static final Pattern THEMATIC_BREAK = Pattern.compile("([-*_])(?:[ \\t]*\\1){2,}[ \\t]*");
  private static final Pattern CLOSING_HASHES = Pattern.compile("(|.*[ \\t])(#+)[ \\t]*");
  private static final Pattern ORDERED_LIST_TOKEN = Pattern.compile("[0-9]+[.)]");

  private MarkdownText() {}

  /** {@code text} escaped so that {@code "- " + result} is one bullet holding exactly it. */
  static String bulletContent(String text) {
    if (TASK_BOX.matcher(text).matches() || LINK_REFERENCE_DEFINITION.matcher(text).matches()) {
      return "\\" + text;
    }
    Matcher ordered = ORDERED_LIST_MARKER.matcher(text);
    if (ordered.matches() && isListMarkerEnd(ordered.group(2), 1)) {
      return ordered.group(1) + "\\" + ordered.group(2);
    }
    char first = text.charAt(0);
    boolean opensBlock =
        first == '>'
            || ATX_HEADING.matcher(text).matches()
            || ((first == '-' || first == '+' || first == '*') && isListMarkerEnd(text, 1))
            || THEMATIC_BREAK.matcher(text).matches()
            || text.startsWith("```")
            || text.startsWith("~~~");
    return opensBlock ? "\\" + text : text;
  }

  /** {@code text} escaped so that {@code "#### " + result + " ####"} is a heading of exactly it. */
  static String headingContent(String text) {
    Matcher closing = CLOSING_HASHES.matcher(text);
    if (!closing.matches()) {
      return text;
    }
    int hashes = closing.start(2);
    return text.substring(0, hashes) + "\\" + text.substring(hashes);
  }

  /** True when the marker at {@code text[0, index)} is followed by white space or nothing. */
  private static boolean isListMarkerEnd(String text, int index) {
    return text.length() == index || text.charAt(index) == ' ' || text.charAt(index) == '\t';
  }

  /**
   * Hard-wraps {@code paragraph} (single spaces between words) at {@code width} code points, as the
   * corpus paragraphs are. Breaks only at spaces, and never before a word that would start a block
   * at the beginning of a line ({@code - x}, {@code 1.}, {@code #}...) or after a word ending in a
   * backslash (a hard line break); a line may exceed the width when no safe break exists.
   */
  static List<String> wrap(String paragraph, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int lineWidth = 0;
    String previous = null;
    for (String word : paragraph.split(" ", -1)) {
      int wordWidth = word.codePointCount(0, word.length());
      if (previous == null) {
        line.append(word);
        lineWidth = wordWidth;
      } else if (lineWidth + 1 + wordWidth <= width || !mayBreakBetween(previous, word)) {
        line.append(' ').append(word);
        lineWidth += 1 + wordWidth;
      } else {
        lines.add(line.toString());
        line.setLength(0);
        line.append(word);
        lineWidth = wordWidth;
      }
      previous = word;
    }
    lines.add(line.toString());
    return lines;
  }

  private static boolean mayBreakBetween(String previous, String next) {
    if (next.isEmpty() || previous.endsWith("\\")) {
      return false;
    }
    int first = next.codePointAt(0);
    if (Character.isDigit(first)) {
      return !ORDERED_LIST_TOKEN.matcher(next).lookingAt();
    }
    return Character.isLetter(first) || first == '(' || first == '"' || first == '\'';
  }
}
