package dev.minutes.support;

import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A meeting created through the API, as a test needs it: its id (which is also its document id),
 * the {@code automerge:} URL clients find, and one token per role.
 */
public record TestMeeting(
    String id, String documentUrl, String chairToken, String editorToken, String viewerToken) {

  /** Reads the 201 body of {@code POST /api/meetings}. */
  public static TestMeeting from(JsonObject created) {
    JsonObject tokens = created.getJsonObject("tokens");
    return new TestMeeting(
        created.getString("id"),
        created.getString("documentUrl"),
        tokens.getString("chair"),
        tokens.getString("editor"),
        tokens.getString("viewer"));
  }

  /** The request body of a small meeting chaired by {@code chair}. */
  public static JsonObject request(String chair) {
    return new JsonObject().put("chair", chair).put("agenda", List.of("Sync", "Storage"));
  }

  /** The document id clients and the store use. */
  public String documentId() {
    return DocumentIds.fromUrl(documentUrl);
  }
}
