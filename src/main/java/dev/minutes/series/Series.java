package dev.minutes.series;

import dev.minutes.render.Author;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A series' settings: what every call of it starts from.
 *
 * @param id the series id
 * @param title its name, for people
 * @param chair who chairs a call unless the previous minutes or the request name someone else
 * @param attendees who is invited to every call
 * @param agenda the standing agenda items, after {@code Review previous notes}
 * @param cadenceDays days from one call to the next when the minutes give no date
 * @param subject the subject of each call, {@code {date}} replaced by its date
 * @param description the description of each call
 * @param author the author of each call's minutes (name defaults to the call's chair)
 */
public record Series(
    String id,
    String title,
    String chair,
    List<String> attendees,
    List<String> agenda,
    int cadenceDays,
    String subject,
    String description,
    Author author) {

  public static final int DEFAULT_CADENCE_DAYS = 7;
  public static final String DEFAULT_SUBJECT = "Weekly Meeting: {date}";
  public static final String DATE_PLACEHOLDER = "{date}";

  public Series {
    attendees = List.copyOf(attendees);
    agenda = List.copyOf(agenda);
  }

  /** The subject of the call on {@code date}. */
  public String subjectOn(String date) {
    return subject.replace(DATE_PLACEHOLDER, date);
  }

  /** The record fields that keep these settings (tokens are added by the service). */
  Map<String, String> fields() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("title", title);
    fields.put("chair", chair);
    fields.put("attendees", new JsonArray(attendees).encode());
    fields.put("agenda", new JsonArray(agenda).encode());
    fields.put("cadenceDays", Integer.toString(cadenceDays));
    fields.put("subject", subject);
    fields.put("description", description);
    fields.put(
        "author",
        new JsonObject()
            .put("name", author.name())
            .put("uri", author.uri())
            .put("email", author.email())
            .encode());
    return fields;
  }

  /** The settings a series record keeps. */
  static Series of(Map<String, String> record) {
    JsonObject author = new JsonObject(record.getOrDefault("author", "{}"));
    return new Series(
        record.get("id"),
        record.getOrDefault("title", ""),
        record.getOrDefault("chair", ""),
        strings(record.getOrDefault("attendees", "[]")),
        strings(record.getOrDefault("agenda", "[]")),
        Integer.parseInt(record.getOrDefault("cadenceDays", "7")),
        record.getOrDefault("subject", DEFAULT_SUBJECT),
        record.getOrDefault("description", ""),
        new Author(
            author.getString("name", ""),
            author.getString("uri", ""),
            author.getString("email", "")));
  }

  private static List<String> strings(String json) {
    return new JsonArray(json).stream().map(String::valueOf).toList();
  }
}
