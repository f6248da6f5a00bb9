package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared steps of the publish tests: node settings, and meetings created and closed through the
 * API.
 */
public final class PublishFixture {
  /** The Standard Webhooks specification's example secret. */
  public static final String SECRET_A = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  /** A second secret, as during a rotation. */
  public static final String SECRET_B = "whsec_bWludXRlcy10ZXN0LXNlY3JldC10d28tMDEyMzQ1Njc4OQ==";

  public static final String OPERATOR_TOKEN = "operator-token-for-tests-0123456789";

  private PublishFixture() {}

  /** A meeting of the API: its id, tokens and the close answer once closed. */
  public record Meeting(String id, String chairToken, String viewerToken) {}

  /**
   * Settings of a node publishing only to {@code webhookUrl}, retrying after a few milliseconds.
   */
  public static Map<String, String> webhookSettings(String webhookUrl) {
    Map<String, String> settings = new HashMap<>();
    settings.put("MINUTES_WEBHOOK_URL", webhookUrl);
    settings.put("MINUTES_WEBHOOK_SECRET", SECRET_A + "," + SECRET_B);
    settings.put("MINUTES_PUBLISH_FOLDER", "off");
    settings.put("MINUTES_PUBLISH_RETRY_INITIAL_MS", "10");
    settings.put("MINUTES_PUBLISH_RETRY_MAX_MS", "40");
    settings.put("MINUTES_OPERATOR_TOKEN", OPERATOR_TOKEN);
    return settings;
  }

  public static Future<Meeting> create(TestNode node, String date) {
    return node.createMeeting(
            new JsonObject()
                .put("date", date)
                .put("chair", "Ada")
                .put("attendees", new JsonArray(List.of("Ada", "Grace")))
                .put("agenda", new JsonArray(List.of("Budget"))))
        .map(
            json ->
                new Meeting(
                    json.getString("id"),
                    json.getJsonObject("tokens").getString("chair"),
                    json.getJsonObject("tokens").getString("viewer")));
  }

  public static Future<Meeting> close(TestNode node, Meeting meeting) {
    return node.post("/api/meetings/" + meeting.id() + "/close", meeting.chairToken(), null)
        .map(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "close failed: " + response.statusCode() + " " + response.bodyAsString());
              }
              return meeting;
            });
  }

  public static Future<Meeting> createAndClose(TestNode node, String date) {
    return create(node, date).compose(meeting -> close(node, meeting));
  }

  /** The meeting's published file as the API serves it. */
  public static Future<String> minutes(TestNode node, Meeting meeting) {
    return node.get("/api/meetings/" + meeting.id() + "/minutes.md", meeting.viewerToken())
        .map(response -> response.bodyAsString());
  }

  /** The meeting's {@code publish} array from GET /api/meetings/{id}. */
  public static Future<JsonArray> publishState(TestNode node, Meeting meeting) {
    return node.get("/api/meetings/" + meeting.id(), meeting.viewerToken())
        .map(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "view failed: " + response.statusCode() + " " + response.bodyAsString());
              }
              return response.bodyAsJsonObject().getJsonArray("publish");
            });
  }

  /** The single entry of {@code publish} for {@code target}. */
  public static Future<JsonObject> publishState(TestNode node, Meeting meeting, String target) {
    return publishState(node, meeting)
        .map(
            all ->
                all.stream()
                    .map(JsonObject.class::cast)
                    .filter(entry -> target.equals(entry.getString("target")))
                    .reduce(
                        (a, b) -> {
                          throw new IllegalStateException(
                              "two " + target + " entries: " + all.encode());
                        })
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "no " + target + " entry in " + all.encode())));
  }

  /**
   * One outbox entry as a close enqueues it (the fields the ingest script reads), for tests of the
   * outbox and of what the API reads of it.
   */
  public static String outboxJob(String id, String meetingId, String target, int revision) {
    return new JsonObject()
        .put("id", id)
        .put("meetingId", meetingId)
        .put("target", target)
        .put("location", "here")
        .put("path", meetingId + ".md")
        .put("revision", Integer.toString(revision))
        .put("markdown", "text")
        .encode();
  }
}
