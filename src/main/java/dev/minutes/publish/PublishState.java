package dev.minutes.publish;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/** Job records as the API shows them; times become ISO-8601, absent values {@code null}. */
final class PublishState {
  private PublishState() {}

  /**
   * One entry of {@code publish} in GET /api/meetings/{id} (docs/contract.md §3, plus jobId,
   * location, nextAttemptAt).
   */
  static JsonObject ofMeeting(Map<String, String> job) {
    return new JsonObject()
        .put("jobId", job.get("id"))
        .put("target", job.get("target"))
        .put("location", job.get("location"))
        .put("state", job.get("state"))
        .put("attempts", Integer.parseInt(job.getOrDefault("attempts", "0")))
        .put("lastError", job.get("lastError"))
        .put("deliveredAt", time(job.get("deliveredAt")))
        .put(
            "nextAttemptAt",
            "pending".equals(job.get("state")) ? time(job.get("nextAttemptAt")) : null);
  }

  /** One entry of the operator's failed list. */
  static JsonObject failed(Map<String, String> job) {
    return new JsonObject()
        .put("jobId", job.get("id"))
        .put("meetingId", job.get("meetingId"))
        .put("target", job.get("target"))
        .put("location", job.get("location"))
        .put("attempts", Integer.parseInt(job.getOrDefault("attempts", "0")))
        .put("lastError", job.get("lastError"))
        .put("failedAt", time(job.get("failedAt")));
  }

  private static String time(String epochMillis) {
    return epochMillis == null || epochMillis.isEmpty()
        ? null
        : Instant.ofEpochMilli(Long.parseLong(epochMillis)).toString();
  }
}
