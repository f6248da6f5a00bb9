package dev.minutes.publish;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One publication for one target, as serialized into the outbox at close. Everything a delivery
 * needs travels in the job, rendered once at close, so every attempt on every node sends the same
 * bytes; only the target's address and secrets come from the configuration of the delivering node.
 *
 * @param id job id, {@code <meetingId>.<target>.<closedAt epoch ms>} (a correction adds {@code
 *     .r<revision>}): one publication, one target
 * @param meetingId the meeting
 * @param target target name ({@code folder} or {@code webhook})
 * @param location where it goes, for operators: the file path, or the webhook URL's host
 * @param path the published file name, {@code <updated>.md} or {@code <updated>-<n>.md}
 * @param permalink the permalink it is published under
 * @param revision 1 for the first close, one more for each correction
 * @param replaces SHA-256 (hex) of the earlier revisions' files: what a correction may replace
 * @param markdown the whole published file
 * @param webhookId the Standard Webhooks {@code webhook-id}, stable across retries ("" for the
 *     folder)
 * @param body the exact webhook request body ("" for the folder)
 */
public record PublishJob(
    String id,
    String meetingId,
    String target,
    String location,
    String path,
    String permalink,
    int revision,
    List<String> replaces,
    String markdown,
    String webhookId,
    String body) {

  public PublishJob {
    replaces = List.copyOf(replaces);
  }

  /**
   * The outbox job string. The store reads {@code id, meetingId, target, location} (and shows
   * {@code path, permalink, revision}) from it.
   */
  public String encode() {
    return new JsonObject()
        .put("id", id)
        .put("meetingId", meetingId)
        .put("target", target)
        .put("location", location)
        .put("path", path)
        .put("permalink", permalink)
        .put("revision", Integer.toString(revision))
        .put("replaces", new JsonArray(replaces))
        .put("markdown", markdown)
        .put("webhookId", webhookId)
        .put("body", body)
        .encode();
  }

  /**
   * Reads a job string back; fails with {@link IllegalArgumentException} when it is not one. Jobs
   * queued before corrections existed read as revision 1 with nothing to replace.
   */
  public static PublishJob decode(String payload) {
    JsonObject json;
    try {
      json = new JsonObject(payload);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("publish job is not a JSON object", e);
    }
    JsonArray replaces =
        json.getValue("replaces") instanceof JsonArray array ? array : new JsonArray();
    return new PublishJob(
        required(json, "id"),
        required(json, "meetingId"),
        required(json, "target"),
        required(json, "location"),
        required(json, "path"),
        json.getString("permalink", ""),
        Integer.parseInt(json.getString("revision", "1")),
        replaces.stream().map(String::valueOf).toList(),
        required(json, "markdown"),
        json.getString("webhookId", ""),
        json.getString("body", ""));
  }

  private static String required(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("publish job lacks the string field '" + field + "'");
    }
    return text;
  }
}
