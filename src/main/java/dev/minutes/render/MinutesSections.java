package dev.minutes.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the parts of a minutes body that {@link BodyTemplate} writes and the corpus has: the
 * agenda's bullets and the {@code Attendees:} paragraph. Lenient, as people edit both during the
 * call: what cannot be read is left out, never refused. Pure; no I/O.
 */
public final class MinutesSections {
  private static final Pattern AGENDA_HEADING =
      Pattern.compile("#{1,6}[ \\t]*agenda\\b.*", Pattern.CASE_INSENSITIVE);
  private static final Pattern HEADING = Pattern.compile("#{1,6}(?:[ \\t].*)?");
  private static final Pattern TOP_BULLET = Pattern.compile(" ?[-*+][ \\t]+(\\S.*)");
  private static final Pattern ATTENDEES =
      Pattern.compile(
          "[ \\t]*[*_]{0,2}attendees[*_]{0,2}[ \\t]*:?[ \\t]*[*_]{0,2}:?[ \\t]*(.*)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern CHAIR_MARK =
      Pattern.compile("\\(\\s*chair\\s*\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern PARENTHETICAL = Pattern.compile("\\([^()]*\\)");
  private static final String CHAIR = "\uE000";
  private static final Pattern ESCAPED_ORDERED = Pattern.compile("([0-9]{1,9})\\\\([.)].*)");

  private MinutesSections() {}

  /** Who attended, as the {@code Attendees:} paragraph lists them, and who chaired. */
  public record Attendance(List<String> names, Optional<String> chair) {
    public Attendance {
      names = List.copyOf(names);
    }
  }

  /**
   * The titles of the agenda's top-level bullets, as {@link BodyTemplate} was given them (its
   * escapes undone); empty when the body has no agenda heading.
   */
  public static List<String> agenda(String body) {
    List<String> items = new ArrayList<>();
    String[] lines = body.split("\n", -1);
    int index = 0;
    while (index < lines.length && !AGENDA_HEADING.matcher(lines[index].strip()).matches()) {
      index++;
    }
    StringBuilder item = null;
    for (index++; index < lines.length; index++) {
      String line = lines[index];
      if (line.isBlank()) {
        continue;
      }
      Matcher bullet = TOP_BULLET.matcher(line);
      if (bullet.matches()) {
        add(items, item);
        item = new StringBuilder(bullet.group(1).strip());
      } else if (Character.isWhitespace(line.charAt(0)) && item != null) {
        if (!TOP_BULLET.matcher(line.strip()).matches()) {
          item.append(' ').append(line.strip());
        }
      } else {
        break;
      }
    }
    add(items, item);
    return List.copyOf(items);
  }

  private static void add(List<String> items, StringBuilder item) {
    if (item != null && !item.isEmpty()) {
      items.add(unescapedBullet(item.toString()));
    }
  }

  /** The inverse of {@link MarkdownText#bulletContent}: the title that was escaped into it. */
  static String unescapedBullet(String content) {
    if (content.startsWith("\\") && content.length() > 1) {
      String title = content.substring(1);
      if (MarkdownText.bulletContent(title).equals(content)) {
        return title;
      }
    }
    Matcher ordered = ESCAPED_ORDERED.matcher(content);
    if (ordered.matches()) {
      String title = ordered.group(1) + ordered.group(2);
      if (MarkdownText.bulletContent(title).equals(content)) {
        return title;
      }
    }
    return content;
  }

  /**
   * The names of the first {@code Attendees:} paragraph (the corpus writes it {@code Attendees:},
   * {@code *Attendees:*} or {@code *Attendees*:}, names on the same or the following lines), split
   * at commas and {@code and}; the one marked {@code (chair)} is the chair. Other remarks in
   * parentheses are dropped.
   */
  public static Attendance attendees(String body) {
    String[] lines = body.split("\n", -1);
    for (int index = 0; index < lines.length; index++) {
      Matcher heading = ATTENDEES.matcher(lines[index]);
      if (!heading.matches()) {
        continue;
      }
      StringBuilder text = new StringBuilder(heading.group(1).strip());
      int next = index + 1;
      if (text.isEmpty()) {
        while (next < lines.length && lines[next].isBlank()) {
          next++;
        }
      }
      for (; next < lines.length; next++) {
        String line = lines[next];
        if (line.isBlank() || HEADING.matcher(line.strip()).matches()) {
          break;
        }
        text.append(' ').append(line.strip());
      }
      return names(text.toString());
    }
    return new Attendance(List.of(), Optional.empty());
  }

  private static Attendance names(String paragraph) {
    List<String> names = new ArrayList<>();
    Optional<String> chair = Optional.empty();
    // The chair's mark becomes a character no name has, so it survives the splitting.
    String text = CHAIR_MARK.matcher(paragraph).replaceAll(CHAIR);
    text = removeParentheticals(text).replaceAll("[*_]", " ");
    for (String part : text.split(",|\\s+and\\s+|\\s+&\\s+")) {
      boolean chairs = part.contains(CHAIR);
      String name = part.replace(CHAIR, "").replaceAll("\\s+", " ").strip();
      name = name.replaceAll("[.;:]+$", "").strip();
      if (name.isEmpty() || name.toLowerCase(Locale.ROOT).equals("and")) {
        continue;
      }
      names.add(name);
      if (chairs && chair.isEmpty()) {
        chair = Optional.of(name);
      }
    }
    return new Attendance(names, chair);
  }

  private static String removeParentheticals(String text) {
    String result = text;
    for (String previous = null; !result.equals(previous); ) {
      previous = result;
      result = PARENTHETICAL.matcher(result).replaceAll(" ");
    }
    return result;
  }
}
