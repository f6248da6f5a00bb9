package dev.minutes.meeting;

import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A meeting's digest, kept beside its stored document by the session that has it open, every few
 * hundred changes and as it unloads ({@code DocumentDigest}): what {@code GET /api/meetings/{id}},
 * the series overview and the next call read of an open meeting (while fresh; a page also while
 * stale, with its heads), i.e. its {@link MeetingDocument.Snapshot}, as JSON {@code {meta, body,
 * status, heads}}. Reading it costs a Redis round trip instead of loading the meeting's whole
 * history.
 */
final class MeetingDigest {
  private static final Logger log = LoggerFactory.getLogger(MeetingDigest.class);

  private MeetingDigest() {}

  static byte[] write(MeetingDocument.Snapshot snapshot) {
    return new JsonObject()
        .put("meta", new JsonObject(snapshot.meta().fields()))
        .put("body", snapshot.body())
        .put("status", snapshot.status())
        .put("heads", new JsonArray(snapshot.heads()))
        .toBuffer()
        .getBytes();
  }

  /** The snapshot a digest holds; empty (and logged) when it cannot be read. */
  static Optional<MeetingDocument.Snapshot> read(byte[] digest) {
    try {
      JsonObject json = new JsonObject(Buffer.buffer(digest));
      JsonObject meta = json.getJsonObject("meta");
      JsonObject author = meta.getJsonObject("author");
      FrontMatter frontMatter =
          new FrontMatter(
              meta.getString("updated"),
              new Author(
                  author.getString("name"), author.getString("uri"), author.getString("email")),
              meta.getString("subject"),
              meta.getString("permalink"),
              meta.getString("description"));
      return Optional.of(
          new MeetingDocument.Snapshot(
              frontMatter,
              Objects.requireNonNull(json.getString("body"), "body"),
              Objects.requireNonNull(json.getString("status"), "status"),
              headsOf(json)));
    } catch (DecodeException | ClassCastException | NullPointerException e) {
      log.warn(
          "a meeting digest could not be read ({}); reading the document instead", e.toString());
      return Optional.empty();
    }
  }

  /** A digest kept before it named its heads has none: its text is then shown read-only first. */
  private static List<String> headsOf(JsonObject json) {
    JsonArray heads = json.getJsonArray("heads", new JsonArray());
    List<String> hex = new ArrayList<>(heads.size());
    for (int i = 0; i < heads.size(); i++) {
      hex.add(heads.getString(i));
    }
    return hex;
  }
}
