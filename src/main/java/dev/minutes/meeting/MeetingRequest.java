package dev.minutes.meeting;

import dev.minutes.render.Author;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated request to create a meeting (docs/contract.md §3, {@code POST /api/meetings}). Every
 * field problem is refused with a message naming the field; nothing is stored before validation
 * passes.
 */
public record MeetingRequest(
    String date,
    Optional<String> subject,
    String description,
    Author author,
    Optional<String> chair,
    List<String> attendees,
    List<String> agenda,
    Optional<String> previous) {

  static final int MAX_ITEMS = 100;
  static final int MAX_TEXT = 500;

  /** Parses and validates the JSON body; {@code today} is the default date. */
  public static MeetingRequest fromJson(JsonObject json, LocalDate today) {
    String date = optionalText(json, "date").orElse(today.toString());
    if (!PublishableMinutes.validDate(date)) {
      throw MeetingException.invalid(
          "invalid_date", "date must be a real calendar date YYYY-MM-DD, got '" + date + "'");
    }
    JsonObject authorJson = objectField(json, "author");
    Optional<String> chair = optionalText(json, "chair");
    if (json.containsKey("chair") && chair.isEmpty()) {
      throw MeetingException.invalid("invalid_chair", "chair must not be empty");
    }
    String authorName = authorText(authorJson, "name").or(() -> chair).orElse("");
    Author author =
        new Author(
            authorName,
            authorText(authorJson, "uri").orElse(""),
            authorText(authorJson, "email").orElse(""));
    return new MeetingRequest(
        date,
        optionalText(json, "subject"),
        optionalText(json, "description").orElse(""),
        author,
        chair,
        names(json, "attendees"),
        names(json, "agenda"),
        optionalText(json, "previous"));
  }

  private static JsonObject objectField(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw MeetingException.invalid("invalid_" + key, key + " must be an object");
    }
    return object;
  }

  private static Optional<String> optionalText(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw MeetingException.invalid("invalid_" + key, key + " must be a string");
    }
    String trimmed = text.strip();
    checkLine(key, trimmed);
    return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
  }

  /** A field of {@code author}; its problems are reported as {@code invalid_author}. */
  private static Optional<String> authorText(JsonObject author, String key) {
    try {
      return optionalText(author, key);
    } catch (MeetingException e) {
      throw MeetingException.invalid("invalid_author", "author." + e.getMessage());
    }
  }

  private static List<String> names(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw MeetingException.invalid("invalid_" + key, key + " must be an array of strings");
    }
    if (array.size() > MAX_ITEMS) {
      throw MeetingException.invalid(
          "invalid_" + key, key + " has " + array.size() + " entries; at most " + MAX_ITEMS);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String item) || item.isBlank()) {
        throw MeetingException.invalid(
            "invalid_" + key, key + "[" + i + "] must be a non-empty string");
      }
      checkLine(key + "[" + i + "]", item.strip());
      out.add(item.strip());
    }
    return List.copyOf(out);
  }

  private static void checkLine(String field, String text) {
    if (text.length() > MAX_TEXT) {
      throw MeetingException.invalid(
          "invalid_" + baseName(field), field + " is longer than " + MAX_TEXT + " characters");
    }
    if (!text.codePoints().allMatch(PublishableMinutes::allowed)) {
      throw MeetingException.invalid(
          "invalid_" + baseName(field),
          field + " must be one line of text without line breaks or control characters");
    }
  }

  private static String baseName(String field) {
    int bracket = field.indexOf('[');
    return bracket < 0 ? field : field.substring(0, bracket);
  }
}
