package dev.minutes.meeting;

import dev.minutes.render.Author;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * A validated request to create a meeting (docs/contract.md §3, {@code POST /api/meetings}). Every
 * field problem is refused with a message naming the field; nothing is stored before validation
 * passes.
 *
 * @param date the meeting's date; empty: the previous minutes' next call, else today
 */
public record MeetingRequest(
    Optional<String> date,
    Optional<String> subject,
    String description,
    Author author,
    Optional<String> chair,
    List<String> attendees,
    List<String> agenda,
    Optional<String> previous) {

  /** Parses and validates the JSON body. */
  public static MeetingRequest fromJson(JsonObject json) {
    Optional<String> date = RequestFields.date(json, "date");
    Optional<String> chair = RequestFields.name(json, "chair");
    return new MeetingRequest(
        date,
        RequestFields.optionalText(json, "subject"),
        RequestFields.optionalText(json, "description").orElse(""),
        RequestFields.author(json, chair),
        chair,
        RequestFields.names(json, "attendees"),
        RequestFields.names(json, "agenda"),
        RequestFields.optionalText(json, "previous"));
  }
}
