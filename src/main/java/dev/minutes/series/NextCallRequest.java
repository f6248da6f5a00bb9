package dev.minutes.series;

import dev.minutes.meeting.RequestFields;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What a request to start a series' next call may say (docs/series.md, {@code POST
 * /api/series/{sid}/meetings}); whatever it leaves out follows the series and the previous minutes.
 */
public record NextCallRequest(
    Optional<String> date, Optional<String> chair, List<String> attendees, List<String> agenda) {

  /** Nothing said: everything follows the series. */
  public static NextCallRequest none() {
    return new NextCallRequest(Optional.empty(), Optional.empty(), List.of(), List.of());
  }

  /** Parses and validates the JSON body (may be empty). */
  public static NextCallRequest fromJson(JsonObject json) {
    return new NextCallRequest(
        RequestFields.date(json, "date"),
        RequestFields.name(json, "chair"),
        RequestFields.names(json, "attendees"),
        RequestFields.names(json, "agenda"));
  }
}
