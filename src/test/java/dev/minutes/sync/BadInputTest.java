package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.MinutesParser;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.StoredDocument;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RawPeer;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestMeeting;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile or broken input on the sync endpoint. Each test checks both halves: the offending socket
 * is told precisely what was wrong (and closed where the reason demands it), and nothing else is
 * affected: the stored document keeps its bytes, a connected official client keeps its view and
 * goes on syncing.
 */
@DisplayName("Bad input on the sync endpoint")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private static final int MAX_FRAME_BYTES = 16 * 1024;
  private static final int MAX_MESSAGE_BYTES = 32 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  private Vertx vertx;
  private TestNode node;
  private RedisConnection redis;
  private DocumentStore store;
  private final List<AutoCloseable> processes = new ArrayList<>();

  private TestMeeting meeting;
  private NodeClient witness;
  private String witnessText;
  private StoredDocument storedBefore;

  @BeforeAll
  void startNode() throws TimeoutException {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx,
                RedisHarness.newPrefix(),
                Map.of(
                    "MINUTES_MAX_FRAME_BYTES", String.valueOf(MAX_FRAME_BYTES),
                    "MINUTES_MAX_MESSAGE_BYTES", String.valueOf(MAX_MESSAGE_BYTES)))
            .await(30, SECONDS);
    redis = RedisHarness.connect(vertx, node.prefix()).await(30, SECONDS);
    store = new RedisDocumentStore(redis);
  }

  /**
   * A fresh meeting with an official client (the witness) syncing it, and the stored bytes before
   * anything bad.
   */
  @BeforeEach
  void openMeeting() throws TimeoutException {
    meeting = TestMeeting.from(await(node.createMeeting(TestMeeting.request("Grace"))));
    witness = client(meeting.editorToken());
    await(witness.command(cmd("find").put("url", meeting.documentUrl())));
    await(witness.command(cmd("type").put("text", "Before. ").put("at", 0)));
    await(witness.command(cmd("waitSaved")));
    witnessText = await(witness.command(cmd("text"))).getString("text");
    storedBefore = stored();
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable process : processes) {
      process.close();
    }
    processes.clear();
  }

  @AfterAll
  void stopNode() throws TimeoutException {
    redis.close().await(30, SECONDS);
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName("a frame that is not CBOR gets malformed-message and close 1007")
  void nonCborFrame() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.sendRaw(HEX.formatHex("not cbor at all".getBytes())));

    assertThat(await(error).getString("message")).startsWith("malformed-message: ");
    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1007);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName("a text frame gets text-frame and close 1003, and is counted")
  void textFrame() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    double before = refusals(Refusal.Reason.TEXT_FRAME);

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.sendText("{\"type\":\"sync\"}"));

    assertThat(await(error).getString("message"))
        .isEqualTo("text-frame: frames must be binary CBOR, got a text frame");
    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1003);
    assertThat(refusals(Refusal.Reason.TEXT_FRAME)).isEqualTo(before + 1);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName("an unknown message type gets unsupported-message-type; the socket stays usable")
  void unknownMessageType() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.send(new JsonObject().put("type", "bogus").put("senderId", raw.peerId())));

    assertThat(await(error).getString("message"))
        .isEqualTo("unsupported-message-type: unknown message type 'bogus'");
    assertSocketStillSyncs(raw);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "gossip messages (remote-subscription-change) are ignored without an error, as automerge-repo does")
  void gossipIsIgnoredQuietly() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());

    await(
        raw.send(
            new JsonObject()
                .put("type", "remote-subscription-change")
                .put("senderId", raw.peerId())
                .put("add", new JsonArray().add("5a6b2c1e-0000-4000-8000-000000000000"))
                .put("remove", new JsonObject().put("$undefined", true))));

    assertSocketStillSyncs(raw);
    assertThat(raw.messages("error")).isEmpty();
    assertNothingElseAffected();
  }

  @Test
  @DisplayName("a frame over the configured frame size closes the socket with 1009 and is counted")
  void frameOverTheSizeLimit() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    double before = refusals(Refusal.Reason.MESSAGE_TOO_LARGE);

    await(raw.sendRaw(HEX.formatHex(randomBytes(MAX_FRAME_BYTES + 1))));

    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1009);
    assertThat(raw.messages("error"))
        .singleElement()
        .satisfies(
            error -> assertThat(error.getString("message")).startsWith("message-too-large: "));
    await(untilRefused(Refusal.Reason.MESSAGE_TOO_LARGE, before + 1));
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "a message of small frames over the configured message size closes the socket with 1009 and is counted")
  void messageOverTheSizeLimit() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    double before = refusals(Refusal.Reason.MESSAGE_TOO_LARGE);
    List<String> fragments = new ArrayList<>();
    for (int sent = 0; sent <= MAX_MESSAGE_BYTES; sent += MAX_FRAME_BYTES / 2) {
      fragments.add(HEX.formatHex(randomBytes(MAX_FRAME_BYTES / 2)));
    }

    await(raw.client().command(cmd("sendFragments").put("hex", fragments)));

    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1009);
    assertThat(raw.messages("error"))
        .singleElement()
        .satisfies(
            error -> assertThat(error.getString("message")).startsWith("message-too-large: "));
    await(untilRefused(Refusal.Reason.MESSAGE_TOO_LARGE, before + 1));
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "compression is not negotiated, so a frame cannot inflate past the frame size limit: zeros over it get 1009")
  void noCompressionBomb() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    assertThat(await(raw.opened()).getString("extensions")).doesNotContain("permessage-deflate");

    // With permessage-deflate these zeros would travel as a few hundred bytes and inflate
    // unchecked.
    await(raw.sendRaw("00".repeat(MAX_MESSAGE_BYTES * 4)));

    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1009);
    assertThat(raw.messages("error"))
        .singleElement()
        .satisfies(
            error -> assertThat(error.getString("message")).startsWith("message-too-large: "));
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "sync data that passes the header check but that Automerge rejects gets sync-rejected; the socket stays usable")
  void syncDataAutomergeRejects() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    // v1, no heads, no need, one have (no lastSync, a 3-byte bloom filter of garbage), no changes
    String data = "42" + "00" + "00" + "01" + "00" + "03" + "ff0a0a" + "00";

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.send(raw.syncMessage("sync", meeting.documentId(), data)));

    assertThat(await(error).getString("message"))
        .startsWith(
            "sync-rejected: Automerge rejected the sync message for "
                + meeting.documentId()
                + ": ");
    assertSocketStillSyncs(raw);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "a change chunk of garbage behind valid magic bytes is refused as sync-rejected and never reaches the log")
  void garbageChangeChunk() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    // v1, no heads, no need, one empty have, one 10-byte "change": chunk magic bytes, then garbage.
    // Automerge 0.5.7 would skip such a chunk without an error; the size check reads every chunk
    // before Automerge does, so the bytes are refused instead of being stored as sent.
    String data =
        "42" + "00" + "00" + "01" + "00" + "00" + "01" + "0a" + "856f4a83" + "001122334455";

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.send(raw.syncMessage("sync", meeting.documentId(), data)));

    assertThat(await(error).getString("message"))
        .startsWith(
            "sync-rejected: unreadable change chunks for " + meeting.documentId() + ": chunk: ");
    assertSocketStillSyncs(raw);
    assertNothingElseAffected();
    NodeClient late = client(meeting.viewerToken());
    JsonObject found = await(late.command(cmd("find").put("url", meeting.documentUrl())));
    assertThat(found.getString("text")).isEqualTo(witnessText + "!");
  }

  @Test
  @DisplayName("random bytes as sync data are refused as sync-rejected before Automerge sees them")
  void randomSyncData() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());

    Future<JsonObject> error = raw.nextMessage("error");
    await(
        raw.send(
            raw.syncMessage("sync", meeting.documentId(), "42" + HEX.formatHex(randomBytes(200)))));

    assertThat(await(error).getString("message"))
        .startsWith(
            "sync-rejected: sync data for "
                + meeting.documentId()
                + " is malformed: sync message: ");
    assertSocketStillSyncs(raw);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName("messages before join get not-joined and nothing else; the socket may still join")
  void messageBeforeJoin() throws TimeoutException {
    RawPeer raw = raw(meeting.editorToken(), "raw-early");
    await(raw.opened());

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.request(meeting.documentId()));

    assertThat(await(error).getString("message"))
        .isEqualTo("not-joined: send join before 'request'");
    assertThat(raw.messages("sync")).isEmpty();
    await(raw.join());
    assertSocketStillSyncs(raw);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "a message whose senderId is not the socket's peer gets sender-mismatch and is not processed")
  void senderIdOfAnotherPeer() throws TimeoutException {
    RawPeer raw = joinedRaw(meeting.editorToken());
    JsonObject impostor =
        raw.syncMessage("request", meeting.documentId(), RawPeer.EMPTY_SYNC_HEX)
            .put("senderId", "someone-else");

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.send(impostor));

    assertThat(await(error).getString("message"))
        .isEqualTo(
            "sender-mismatch: senderId 'someone-else' is not the peer joined on this socket");
    assertSocketStillSyncs(raw);
    assertThat(raw.messages("sync")).as("only the socket's own request was answered").hasSize(1);
    assertNothingElseAffected();
  }

  @Test
  @DisplayName("a join without protocol version 1 gets unsupported-protocol-version and close 1002")
  void unsupportedProtocolVersion() throws TimeoutException {
    RawPeer raw = raw(meeting.editorToken(), "raw-future");
    await(raw.opened());

    Future<JsonObject> error = raw.nextMessage("error");
    await(raw.sendJoin(new JsonArray().add("2")));

    assertThat(await(error).getString("message")).startsWith("unsupported-protocol-version: ");
    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1002);
    assertThat(raw.messages("peer")).isEmpty();
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "a viewer's change is refused as read-only, never stored nor forwarded, and the viewer keeps reading")
  void viewerChangeIsRefused() throws TimeoutException {
    NodeClient viewer = client(meeting.viewerToken());
    await(viewer.command(cmd("find").put("url", meeting.documentUrl())));
    Future<JsonObject> error = viewer.awaitEvent("error-message");

    await(viewer.command(cmd("type").put("text", "VIEWER WAS HERE").put("at", 0)));

    assertThat(await(error).getString("message")).startsWith("read-only: ");
    assertNothingElseAffected();
    String editorText = await(witness.command(cmd("text"))).getString("text");
    String seenByViewer =
        await(viewer.command(cmd("waitText").put("contains", editorText))).getString("text");
    assertThat(seenByViewer).isEqualTo("VIEWER WAS HERE" + editorText);
    assertThat(editorText).doesNotContain("VIEWER");
    assertThat(storedBody()).isEqualTo(editorText);
  }

  @Test
  @DisplayName(
      "a socket without a token hears an invalid-token error addressed to its peer and is closed"
          + " with 1008")
  void noToken() throws TimeoutException {
    assertRefusedAsInvalidToken(raw(null, "raw-anonymous"), "a token is required");
    assertNothingElseAffected();
  }

  @Test
  @DisplayName(
      "a socket with an unknown token hears an invalid-token error addressed to its peer and is"
          + " closed with 1008")
  void badToken() throws TimeoutException {
    assertRefusedAsInvalidToken(raw("not-a-token", "raw-forger"), "unknown token");
    assertNothingElseAffected();
  }

  private static void assertRefusedAsInvalidToken(RawPeer raw, String reason)
      throws TimeoutException {
    await(raw.opened());
    await(raw.sendJoin(new JsonArray().add("1")));
    JsonObject error = await(raw.message("error"));
    assertThat(error.getString("message")).startsWith("invalid-token: ").contains(reason);
    assertThat(error.getString("targetId")).isEqualTo(raw.peerId());
    assertThat(await(raw.closed()).getInteger("code")).isEqualTo(1008);
    assertThat(raw.messages("peer")).isEmpty();
  }

  // ---- the second half of every test ----

  /**
   * The store still holds exactly the bytes it had, the witness still sees what it saw, and it goes
   * on syncing: its next keystroke is stored as exactly one more log entry and rendered.
   */
  private void assertNothingElseAffected() throws TimeoutException {
    assertSameBytes(stored(), storedBefore);
    assertThat(await(witness.command(cmd("text"))).getString("text")).isEqualTo(witnessText);

    await(witness.command(cmd("type").put("text", "!").put("at", "end")));
    await(witness.command(cmd("waitSaved")));

    StoredDocument after = stored();
    assertThat(after.snapshot()).isEqualTo(storedBefore.snapshot());
    assertThat(after.changes()).hasSize(storedBefore.changes().size() + 1);
    for (int i = 0; i < storedBefore.changes().size(); i++) {
      assertThat(after.changes().get(i)).isEqualTo(storedBefore.changes().get(i));
    }
    assertThat(await(witness.command(cmd("text"))).getString("text")).isEqualTo(witnessText + "!");
    assertThat(storedBody()).isEqualTo(witnessText + "!");
  }

  /** The socket that misbehaved still gets its document when it asks properly. */
  private void assertSocketStillSyncs(RawPeer raw) throws TimeoutException {
    Future<JsonObject> sync = raw.nextMessage("sync");
    await(raw.request(meeting.documentId()));
    JsonObject answer = await(sync);
    assertThat(answer.getString("documentId")).isEqualTo(meeting.documentId());
    assertThat(answer.getString("dataHex")).hasSizeGreaterThan(RawPeer.EMPTY_SYNC_HEX.length());
  }

  private static void assertSameBytes(StoredDocument actual, StoredDocument expected) {
    assertThat(actual.snapshot()).isEqualTo(expected.snapshot());
    assertThat(actual.lastSeq()).isEqualTo(expected.lastSeq());
    assertThat(actual.changes()).hasSameSizeAs(expected.changes());
    for (int i = 0; i < expected.changes().size(); i++) {
      assertThat(actual.changes().get(i)).isEqualTo(expected.changes().get(i));
    }
  }

  private StoredDocument stored() throws TimeoutException {
    return await(store.load(meeting.documentId())).orElseThrow();
  }

  private String storedBody() throws TimeoutException {
    String markdown =
        await(node.get("/api/meetings/" + meeting.id() + "/minutes.md", meeting.viewerToken()))
            .bodyAsString();
    return MinutesParser.parse(markdown).body();
  }

  private double refusals(Refusal.Reason reason) {
    return node.node()
        .registry()
        .find("minutes_refusals")
        .tag("reason", reason.label())
        .counter()
        .count();
  }

  /**
   * Completes once the refusal counter reached {@code expected}: a refusal is counted right after
   * the close.
   */
  private Future<Void> untilRefused(Refusal.Reason reason, double expected) {
    return poll(() -> refusals(reason) >= expected);
  }

  /**
   * Completes once the condition holds, checked every 5 ms on an event loop. The timer is set from
   * that event loop, so its handler never runs before {@code setPeriodic} returned.
   */
  private Future<Void> poll(java.util.function.BooleanSupplier condition) {
    io.vertx.core.Promise<Void> reached = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            start ->
                vertx.setPeriodic(
                    5,
                    id -> {
                      if (condition.getAsBoolean()) {
                        vertx.cancelTimer(id);
                        reached.tryComplete();
                      }
                    }));
    return reached.future();
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  private RawPeer joinedRaw(String token) throws TimeoutException {
    RawPeer raw = raw(token, "raw-" + processes.size());
    await(raw.join());
    return raw;
  }

  private RawPeer raw(String token, String peerId) {
    String url = token == null ? "ws://127.0.0.1:" + node.port() + "/sync" : node.syncUrl(token);
    RawPeer peer = RawPeer.connect(vertx, url, peerId);
    processes.add(peer);
    return peer;
  }

  private NodeClient client(String token) {
    NodeClient client =
        NodeClient.start(vertx, "client.mjs", List.of("--url", node.syncUrl(token)));
    processes.add(client);
    return client;
  }
}
