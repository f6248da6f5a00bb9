package dev.minutes.meeting;

import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import dev.minutes.render.MinutesRenderer;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders what a shared document says into a publishable file, whatever collaborators typed.
 *
 * <p>The renderer refuses values the published format cannot hold (a CR in the body, a line break
 * in a front matter value, an invalid date). Any client may write such values into the document,
 * and a meeting must still render and close, so they are repaired here rather than refused: CR line
 * endings become LF, forbidden characters in front matter values become spaces, an invalid {@code
 * updated} falls back to the meeting's creation date and an empty subject to the standard one.
 * Documents without such values render exactly as they are.
 */
final class PublishableMinutes {
  private static final Logger log = LoggerFactory.getLogger(PublishableMinutes.class);
  private static final Pattern DATE_SHAPE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

  private PublishableMinutes() {}

  /** A published file, the front matter it was rendered with and its body. */
  record Rendered(FrontMatter meta, String body, String markdown) {

    /** The same minutes published under {@code permalink} (a suffixed one, §5). */
    Rendered withPermalink(String permalink) {
      if (permalink.equals(meta.permalink())) {
        return this;
      }
      FrontMatter renamed =
          new FrontMatter(
              meta.updated(), meta.author(), meta.subject(), permalink, meta.description());
      return new Rendered(renamed, body, MinutesRenderer.render(renamed, body));
    }
  }

  /**
   * The published file for {@code snapshot}; {@code fallbackDate} replaces an invalid {@code
   * updated}.
   */
  static Rendered render(String meetingId, MeetingDocument.Snapshot snapshot, String fallbackDate) {
    String body = snapshot.body();
    if (body.indexOf('\r') >= 0) {
      log.warn(
          "meeting {}: the body contains CR characters; publishing them as LF line endings",
          meetingId);
      body = body.replace("\r\n", "\n").replace('\r', '\n');
    }
    FrontMatter meta = snapshot.meta();
    try {
      MinutesRenderer.validate(meta);
    } catch (IllegalArgumentException e) {
      log.warn(
          "meeting {}: the document's front matter cannot be published as is ({}); repairing it",
          meetingId,
          e.getMessage());
      meta = repaired(meta, fallbackDate);
    }
    return new Rendered(meta, body, MinutesRenderer.render(meta, body));
  }

  private static FrontMatter repaired(FrontMatter meta, String fallbackDate) {
    String updated = validDate(meta.updated().strip()) ? meta.updated().strip() : fallbackDate;
    String subject = singleLine(meta.subject());
    return new FrontMatter(
        updated,
        new Author(
            singleLine(meta.author().name()),
            singleLine(meta.author().uri()),
            singleLine(meta.author().email())),
        subject.isBlank() ? "Weekly Meeting: " + updated : subject,
        singleLine(meta.permalink()),
        singleLine(meta.description()));
  }

  /** A real calendar date written {@code YYYY-MM-DD}, as {@code updated} must be. */
  static boolean validDate(String date) {
    if (!DATE_SHAPE.matcher(date).matches()) {
      return false;
    }
    try {
      return LocalDate.parse(date).toString().equals(date);
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** Replaces every character a front matter value may not hold with a space. */
  static String singleLine(String value) {
    StringBuilder out = new StringBuilder(value.length());
    value.codePoints().forEach(cp -> out.appendCodePoint(allowed(cp) ? cp : ' '));
    return out.toString().strip();
  }

  /**
   * The complement of the renderer's rule: no line breaks, controls, lone surrogates,
   * U+FFFE/U+FFFF.
   */
  static boolean allowed(int cp) {
    int type = Character.getType(cp);
    return cp != 0x2028
        && cp != 0x2029
        && type != Character.CONTROL
        && type != Character.SURROGATE
        && cp != 0xFFFE
        && cp != 0xFFFF;
  }
}
