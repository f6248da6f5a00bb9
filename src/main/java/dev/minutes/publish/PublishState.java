package dev.minutes.publish;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Job records as the API shows them; times become ISO-8601, absent values {@code null}. */
final class PublishState {
  private PublishState() {}

  /**
   * One entry of {@code publish} in GET /api/meetings/{id} (docs/contract.md §3, plus jobId,
   * nextAttemptAt, and path, permalink, url, revision of §5–§7). What attendees see: the folder
   * target's {@code location} is the file name, never the server's path (operators see that).
   */
  static JsonObject ofMeeting(Map<String, String> job, Optional<PublishedUrl> publishedUrl) {
    String path = job.get("path");
    String permalink = job.get("permalink");
    boolean folder = "folder".equals(job.get("target"));
    return new JsonObject()
        .put("jobId", job.get("id"))
        .put("target", job.get("target"))
        .put("location", folder && path != null ? path : job.get("location"))
        .put("state", job.get("state"))
        .put("attempts", Integer.parseInt(job.getOrDefault("attempts", "0")))
        .put("lastError", job.get("lastError"))
        .put("deliveredAt", time(job.get("deliveredAt")))
        .put(
            "nextAttemptAt",
            "pending".equals(job.get("state")) ? time(job.get("nextAttemptAt")) : null)
        .put("revision", Integer.parseInt(job.getOrDefault("revision", "1")))
        .put("path", path)
        .put("permalink", permalink)
        .put(
            "url",
            publishedUrl
                .filter(u -> path != null && permalink != null)
                .map(u -> u.expand(permalink, path))
                .orElse(null));
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
