package dev.minutes.meeting;

import dev.minutes.render.Author;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the fields of a JSON request body that meetings and series share, refusing each problem
 * with a {@link MeetingException} ({@code invalid_<field>}, 400) whose message names the field.
 */
public final class RequestFields {
  /** Entries of a list field (attendees, agenda). */
  public static final int MAX_ITEMS = 100;

  /** Characters of one text field. */
  public static final int MAX_TEXT = 500;

  private RequestFields() {}

  /** A one-line text, stripped; empty when absent or blank. */
  public static Optional<String> optionalText(JsonObject json, String key) {
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

  /** A real calendar date {@code YYYY-MM-DD}; empty when absent. */
  public static Optional<String> date(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw MeetingException.invalid("invalid_" + key, key + " must be a string YYYY-MM-DD");
    }
    Optional<String> date = optionalText(json, key);
    if (date.isPresent() && !PublishableMinutes.validDate(date.get())) {
      throw MeetingException.invalid(
          "invalid_" + key,
          key + " must be a real calendar date YYYY-MM-DD, got '" + date.get() + "'");
    }
    return date;
  }

  /** A name that may be left out but, when given, is not empty. */
  public static Optional<String> name(JsonObject json, String key) {
    Optional<String> name = optionalText(json, key);
    if (json.containsKey(key) && name.isEmpty()) {
      throw MeetingException.invalid("invalid_" + key, key + " must not be empty");
    }
    return name;
  }

  /** The {@code author} object; its name defaults to {@code defaultName}. */
  public static Author author(JsonObject json, Optional<String> defaultName) {
    JsonObject author = objectField(json, "author");
    return new Author(
        authorText(author, "name").or(() -> defaultName).orElse(""),
        authorText(author, "uri").orElse(""),
        authorText(author, "email").orElse(""));
  }

  /** A list of one-line texts; empty when absent. */
  public static List<String> names(JsonObject json, String key) {
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

  /** A field of {@code author}; its problems are reported as {@code invalid_author}. */
  private static Optional<String> authorText(JsonObject author, String key) {
    try {
      return optionalText(author, key);
    } catch (MeetingException e) {
      throw MeetingException.invalid("invalid_author", "author." + e.getMessage());
    }
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
