package dev.minutes.http;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.StoredDocument;
import dev.minutes.support.Await;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.RunningNode;
import dev.minutes.sync.DocumentSession;
import dev.minutes.sync.SessionRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/meetings/{id}} of an open meeting is read from the document's session: the page
 * asks it first and joins right after, so a long history is loaded once for both.
 */
@DisplayName("The meeting's answer to its page, read from the document's session")
class MeetingViewTest {
  /** Long enough for a client to join after the answer, short enough to watch the unload. */
  private static final String IDLE_MS = "5000";

  @RegisterExtension
  final RunningNode running =
      RunningNode.create()
          // Stale digests answered at once: these meetings load within any wait.
          .withSettings(
              Map.of("MINUTES_SESSION_IDLE_MS", IDLE_MS, "MINUTES_EARLIER_TEXT_AFTER_MS", "0"))
          .withNodeClients();

  private final List<NodeClient> clients = new ArrayList<>();

  @AfterEach
  void stopClients() {
    clients.forEach(NodeClient::close);
  }

  @Test
  @DisplayName(
      "the answer loads the document into the session that the page's socket then joins, and shows"
          + " what the attendees typed")
  void answerAndSocketShareOneLoad() throws TimeoutException {
    JsonObject meeting = create();
    String id = meeting.getString("id");
    NodeClient ada = client(meeting);
    await(ada.command(cmd("randomUrl"))); // the client is up and connected, asking for nothing yet
    assertThat(sessions().loaded(id)).as("loaded before anyone asked").isNull();

    assertThat(view(meeting).getString("body")).contains("#### Release ####");
    DocumentSession loadedForTheAnswer = sessions().loaded(id);
    assertThat(loadedForTheAnswer).as("loaded by the answer").isNotNull();

    await(ada.command(cmd("find").put("url", meeting.getString("documentUrl"))));
    await(ada.command(cmd("type").put("text", "Decided: ship on Friday.\n").put("at", "end")));
    JsonArray heads = await(ada.command(cmd("waitSaved"))).getJsonArray("heads");

    assertThat(sessions().loaded(id))
        .as("the socket joined that session")
        .isSameAs(loadedForTheAnswer);
    JsonObject answer = view(meeting);
    assertThat(answer.getString("body")).endsWith("Decided: ship on Friday.\n");
    assertThat(answer.getJsonArray("heads"))
        .as("the heads that text was read at: the page writes early edits against them")
        .isEqualTo(heads);
  }

  @Test
  @DisplayName("a meeting asked about that nobody joins is unloaded again after the idle time")
  void unjoinedSessionUnloads() throws TimeoutException {
    JsonObject meeting = create();
    String id = meeting.getString("id");

    view(meeting);
    assertThat(sessions().loaded(id)).isNotNull();

    Await.until("the session unloaded", () -> sessions().loaded(id) == null);
    assertThat(running.node().node().natives().live()).as("native objects left").isZero();
    assertThat(view(meeting).getString("body")).as("asked again: loaded again").contains("Release");
  }

  @Test
  @DisplayName(
      "a meeting nobody has open is answered from the digest its last session kept, without waiting"
          + " for its history to load")
  void answersFromTheDigest() throws TimeoutException {
    JsonObject meeting = create();
    String id = meeting.getString("id"); // also its document's id
    JsonArray heads = decisionWrittenAndLeft(meeting);

    RedisConnection redis = await(RedisHarness.connect(running.vertx(), running.node().prefix()));
    try {
      RedisDocumentStore store = new RedisDocumentStore(redis);
      JsonObject digest = digestKeptAtUnload(store, id);
      assertThat(digest.getString("body")).endsWith("Decided: ship on Friday.\n");
      assertThat(digest.getJsonObject("meta").getString("subject")).startsWith("Weekly Meeting: ");
      assertThat(digest.getString("status")).isEqualTo("open");
      assertThat(digest.getJsonArray("heads")).isEqualTo(heads);

      // Proof that the answer is the digest: one put there by hand, at the same place in the log.
      long seq = await(store.load(id)).orElseThrow().lastSeq();
      assertThat(sessions().loaded(id)).isNull();
      await(
          store.saveDigest(
              id, seq, digest.copy().put("body", "Kept beside it.\n").toBuffer().getBytes()));
      assertThat(sessions().loaded(id)).as("still nobody in the meeting").isNull();
      JsonObject answer = view(meeting);
      assertThat(answer.getString("body")).isEqualTo("Kept beside it.\n");
      assertThat(answer.getJsonArray("heads")).isEqualTo(heads);
      // The page's socket comes next: the answer started opening its session (read from the store
      // after the answer went out).
      Await.until("a session opened for the page", () -> sessions().loaded(id) != null);
    } finally {
      await(redis.close());
    }
  }

  @Test
  @DisplayName(
      "a page that takes earlier text is answered from the last digest kept while its history,"
          + " stored to since, loads; everyone else gets the text now; other values are refused")
  void earlierTextWhileLoading() throws TimeoutException {
    JsonObject meeting = create();
    String id = meeting.getString("id");
    JsonArray heads = decisionWrittenAndLeft(meeting);

    RedisConnection redis = await(RedisHarness.connect(running.vertx(), running.node().prefix()));
    try {
      RedisDocumentStore store = new RedisDocumentStore(redis);
      JsonObject digest = digestKeptAtUnload(store, id);
      StoredDocument stored = await(store.load(id)).orElseThrow();
      // Another node stored an edit since (or this one did, and crashed): the digest is stale.
      await(store.append(id, changeAppending(stored, "Also: tag it.\n")));
      assertThat(await(store.freshDigest(id))).isEmpty();
      // Which answer comes from the digest: one put there by hand, at the entry it was made at.
      await(
          store.saveDigest(
              id,
              stored.lastSeq(),
              digest.copy().put("body", "Kept beside it.\n").toBuffer().getBytes()));

      JsonObject earlier = view(meeting, "?whileLoading=earlier");
      assertThat(earlier.getString("body")).isEqualTo("Kept beside it.\n");
      assertThat(earlier.getJsonArray("heads")).as("the heads it was read at").isEqualTo(heads);
      JsonObject now = view(meeting, "");
      assertThat(now.getString("body")).endsWith("Decided: ship on Friday.\nAlso: tag it.\n");
      assertThat(now.getJsonArray("heads")).isNotEqualTo(heads);

      var refused =
          await(
              running
                  .node()
                  .get("/api/meetings/" + id + "?whileLoading=soon", token(meeting, "viewer")));
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_whileLoading");
      assertThat(view(meeting, "?whileLoading=earlier").getString("body"))
          .as("loaded by now: the text now")
          .isEqualTo(now.getString("body"));
    } finally {
      await(redis.close());
    }
  }

  /** Ada writes a decision at the end of the minutes and leaves; the heads she saw saved. */
  private JsonArray decisionWrittenAndLeft(JsonObject meeting) throws TimeoutException {
    NodeClient ada = client(meeting);
    await(ada.command(cmd("find").put("url", meeting.getString("documentUrl"))));
    await(ada.command(cmd("type").put("text", "Decided: ship on Friday.\n").put("at", "end")));
    JsonArray heads = await(ada.command(cmd("waitSaved"))).getJsonArray("heads");
    ada.close();
    return heads;
  }

  /** The digest the meeting's session kept as it unloaded, after the idle time. */
  private JsonObject digestKeptAtUnload(RedisDocumentStore store, String id)
      throws TimeoutException {
    Await.until(
        "unloaded, the digest kept",
        () -> sessions().loaded(id) == null && await(store.freshDigest(id)).isPresent());
    return new JsonObject(Buffer.buffer(await(store.freshDigest(id)).orElseThrow()));
  }

  /** A change by an author of its own appending {@code text} to the stored meeting's body. */
  private static byte[] changeAppending(StoredDocument stored, String text) {
    Document document = Document.load(stored.snapshot());
    try {
      stored.changes().forEach(document::applyEncodedChanges);
      ChangeHash[] before = document.getHeads();
      ObjectId body = ((AmValue.Text) document.get(ObjectId.ROOT, "body").orElseThrow()).getId();
      String current = document.text(body).orElseThrow();
      try (Transaction tx = document.startTransaction()) {
        tx.spliceText(body, current.codePointCount(0, current.length()), 0, text);
        tx.commit();
      }
      return document.encodeChangesSince(before);
    } finally {
      document.free();
    }
  }

  private JsonObject view(JsonObject meeting) throws TimeoutException {
    return view(meeting, "");
  }

  private JsonObject view(JsonObject meeting, String query) throws TimeoutException {
    var response =
        await(
            running
                .node()
                .get("/api/meetings/" + meeting.getString("id") + query, token(meeting, "viewer")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private SessionRegistry sessions() {
    return running.node().node().sessions();
  }

  /** The official client in Node, started but not yet looking for the meeting. */
  private NodeClient client(JsonObject meeting) {
    NodeClient client =
        NodeClient.start(
            running.vertx(),
            "client.mjs",
            List.of("--url", running.node().syncUrl(token(meeting, "editor"))));
    clients.add(client);
    return client;
  }

  /** A meeting whose template has a "Release" section. */
  private JsonObject create() throws TimeoutException {
    return await(
        running
            .node()
            .createMeeting(new JsonObject().put("agenda", new JsonArray().add("Release"))));
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }
}
