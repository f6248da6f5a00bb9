package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.render.MinutesParser;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeCommandException;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RawPeer;
import dev.minutes.support.TestMeeting;
import dev.minutes.support.TestNode;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The official automerge-repo 2.5.6 client (and, where a frame must be seen exactly, the raw
 * protocol client) against one in-process node on real Redis.
 */
@DisplayName("Real automerge-repo clients syncing through a minutes node")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientSyncTest {
  private static final int KEYSTROKES = 300;

  private Vertx vertx;
  private TestNode node;
  private final List<AutoCloseable> processes = new ArrayList<>();

  @BeforeAll
  void startNode() throws TimeoutException {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    node = TestNode.start(vertx).await(30, SECONDS);
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
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "two editors typing hundreds of keystrokes at the same spot converge to the stored text")
  void concurrentTypingAtTheSameSpot() throws TimeoutException {
    Editors editors = twoEditorsOfANewMeeting();
    TestMeeting meeting = editors.meeting();
    NodeClient a = editors.a();
    NodeClient b = editors.b();
    String initial = editors.initialText();
    int spot = initial.length() / 2;
    String typedA = keystrokes('a');
    String typedB = keystrokes('k');

    String converged = typeConcurrently(meeting, a, typedA, spot, b, typedB, spot);

    assertThat(converged).hasSize(initial.length() + typedA.length() + typedB.length());
    assertThat(converged).startsWith(initial.substring(0, spot)).endsWith(initial.substring(spot));
    assertThat(converged.substring(spot, spot + typedA.length() + typedB.length()))
        .isIn(typedA + typedB, typedB + typedA);
  }

  @Test
  @DisplayName(
      "two editors typing hundreds of keystrokes at different spots converge to the stored text")
  void concurrentTypingAtDifferentSpots() throws TimeoutException {
    Editors editors = twoEditorsOfANewMeeting();
    TestMeeting meeting = editors.meeting();
    NodeClient a = editors.a();
    NodeClient b = editors.b();
    String initial = editors.initialText();
    String typedA = keystrokes('a');
    String typedB = keystrokes('k');

    String converged = typeConcurrently(meeting, a, typedA, 0, b, typedB, initial.length());

    assertThat(converged).isEqualTo(typedA + initial + typedB);
  }

  @Test
  @DisplayName(
      "automerge 3 clients in step are answered without Automerge's sync while they type, and converge")
  void clientsInStepUseTheFastPath() throws TimeoutException {
    Editors editors = twoEditorsOfANewMeeting();
    TestMeeting meeting = editors.meeting();
    NodeClient a = editors.a();
    NodeClient b = editors.b();
    String initial = editors.initialText();
    double messagesBefore = await(node.metric("minutes_sync_fast_path_messages_total"));
    double exitsBefore = await(node.metric("minutes_sync_fast_path_exits_total"));
    // People type a few keys a second; the clients' pace leaves the moments in step that the fast
    // path needs.
    String typedA = keystrokes('a').substring(0, 150);
    String typedB = keystrokes('k').substring(0, 150);
    Future<JsonObject> typingA =
        a.command(cmd("type").put("text", typedA).put("at", 0).put("intervalMs", 20));
    Future<JsonObject> typingB =
        b.command(
            cmd("type").put("text", typedB).put("at", initial.length()).put("intervalMs", 20));
    await(Future.all(typingA, typingB));
    await(Future.all(a.command(cmd("waitSaved")), b.command(cmd("waitSaved"))));
    String expected = typedA + initial + typedB;
    // Each wait fails by timing out unless that client converges on the expected text.
    await(a.command(cmd("waitText").put("equals", expected)));
    await(b.command(cmd("waitText").put("equals", expected)));
    assertThat(storedBody(meeting)).isEqualTo(expected);
    double messages = await(node.metric("minutes_sync_fast_path_messages_total")) - messagesBefore;
    double exits = await(node.metric("minutes_sync_fast_path_exits_total")) - exitsBefore;
    assertThat(messages)
        .as("messages written on the fast path for 300 keystrokes")
        .isGreaterThan(100);
    assertThat(exits).as("clients sent back to Automerge's sync").isLessThanOrEqualTo(2);
  }

  @Test
  @DisplayName("a client that joins late receives every earlier edit")
  void lateJoinerReceivesEverything() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient early = client(meeting.editorToken());
    await(early.command(cmd("find").put("url", meeting.documentUrl())));
    await(early.command(cmd("type").put("text", "Decisions were made. ").put("at", 0)));
    await(
        early.command(
            cmd("put").put("path", List.of("meta", "subject")).put("value", "Late joiners")));
    JsonObject saved = await(early.command(cmd("waitSaved")));
    String expected = await(early.command(cmd("text"))).getString("text");

    NodeClient late = client(meeting.viewerToken());
    JsonObject found = await(late.command(cmd("find").put("url", meeting.documentUrl())));

    assertThat(found.getString("text")).isEqualTo(expected).startsWith("Decisions were made. ");
    assertThat(found.getJsonArray("heads")).isEqualTo(saved.getJsonArray("heads"));
    JsonObject doc = await(late.command(cmd("doc"))).getJsonObject("doc");
    assertThat(doc.getJsonObject("meta").getString("subject")).isEqualTo("Late joiners");
  }

  @Test
  @DisplayName(
      "edits made offline merge without loss after reconnecting, next to edits made meanwhile")
  void offlineEditsMerge() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient traveller = client(meeting.editorToken());
    NodeClient stayer = client(meeting.editorToken());
    String initial =
        await(traveller.command(cmd("find").put("url", meeting.documentUrl()))).getString("text");
    await(stayer.command(cmd("find").put("url", meeting.documentUrl())));

    await(traveller.command(cmd("disconnect")));
    await(traveller.command(cmd("type").put("text", "Written on the train. ").put("at", 0)));
    await(stayer.command(cmd("type").put("text", "Written in the office.").put("at", "end")));
    await(stayer.command(cmd("waitSaved")));
    await(traveller.command(cmd("reconnect")));
    await(traveller.command(cmd("waitSaved")));

    String expected = "Written on the train. " + initial + "Written in the office.";
    assertThat(await(traveller.command(cmd("waitText").put("equals", expected))).getString("text"))
        .isEqualTo(expected);
    assertThat(await(stayer.command(cmd("waitText").put("equals", expected))).getString("text"))
        .isEqualTo(expected);
    assertThat(storedBody(meeting)).isEqualTo(expected);
  }

  @Test
  @DisplayName(
      "finding a document the token does not open is rejected as unavailable, not left to time out")
  void unknownDocumentIsUnavailable() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient client = client(meeting.editorToken());
    String url = await(client.command(cmd("randomUrl"))).getString("url");

    Future<JsonObject> find = client.command(cmd("find").put("url", url));

    assertThatThrownBy(() -> await(find))
        .isInstanceOfSatisfying(
            NodeCommandException.class,
            failure ->
                assertThat(failure.reply().getBoolean("unavailable")).as(failure.error()).isTrue());
  }

  @Test
  @DisplayName(
      "a raw request for any document but the token's own, existing or not, gets doc-unavailable")
  void requestForAnotherDocumentGetsDocUnavailable() throws TimeoutException {
    TestMeeting mine = createMeeting();
    TestMeeting other = createMeeting();
    RawPeer raw = raw(mine.editorToken(), "raw-unavailable");
    await(raw.join());
    String nowhere = DocumentIds.newId();

    Future<JsonObject> first = raw.nextMessage("doc-unavailable");
    await(raw.request(nowhere));
    JsonObject unavailable = await(first);
    Future<JsonObject> second = raw.nextMessage("doc-unavailable");
    await(raw.request(other.documentId()));
    JsonObject otherUnavailable = await(second);

    assertThat(unavailable.getString("documentId")).isEqualTo(nowhere);
    assertThat(unavailable.getString("targetId")).isEqualTo("raw-unavailable");
    assertThat(otherUnavailable.getString("documentId")).isEqualTo(other.documentId());
    assertThat(raw.messages("sync")).as("nothing of another meeting's document is sent").isEmpty();
    // The same socket still syncs its own document.
    Future<JsonObject> sync = raw.nextMessage("sync");
    await(raw.request(mine.documentId()));
    assertThat(await(sync).getString("documentId")).isEqualTo(mine.documentId());
  }

  @Test
  @DisplayName(
      "presence messages reach the other peers of the document exactly once, never the sender or other meetings")
  void ephemeralMessagesReachOnlyTheDocumentsOtherPeersOnce() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    TestMeeting elsewhere = createMeeting();
    NodeClient a = client(meeting.editorToken());
    NodeClient b = client(meeting.viewerToken());
    NodeClient outsider = client(elsewhere.editorToken());
    await(a.command(cmd("find").put("url", meeting.documentUrl())));
    await(b.command(cmd("find").put("url", meeting.documentUrl())));
    await(outsider.command(cmd("find").put("url", elsewhere.documentUrl())));

    // A ping-pong of four messages. Each client re-forwards what it receives (the echo the server
    // must drop); a client sends its next message only after receiving the previous one, and one
    // socket's messages are handled in order, so when a message arrives every duplicate or echo of
    // the messages two steps before it would already have arrived too.
    exchange(a, b, "m1");
    exchange(b, a, "m2");
    exchange(a, b, "m3");
    exchange(b, a, "m4");
    // The outsider's own round trip through the node comes after everything above was sent.
    assertThatThrownBy(() -> await(outsider.command(cmd("find").put("url", meeting.documentUrl()))))
        .isInstanceOf(NodeCommandException.class);

    assertThat(received(a, "m1")).as("no echo of its own message to the sender").isZero();
    assertThat(received(a, "m2")).as("B's message at A").isEqualTo(1);
    assertThat(received(b, "m1")).as("A's message at B").isEqualTo(1);
    assertThat(received(b, "m2")).as("no echo of its own message to the sender").isZero();
    assertThat(outsider.events("ephemeral")).as("a client of another meeting").isEmpty();
    JsonObject atB = b.events("ephemeral").get(0);
    assertThat(atB.getString("documentId")).isEqualTo(meeting.documentId());
    assertThat(atB.getString("senderId"))
        .isEqualTo(await(a.command(cmd("status"))).getString("peerId"));
  }

  @Test
  @DisplayName(
      "on the wire: a presence message is forwarded unchanged but for targetId, never back to its sender, and a replayed count is dropped")
  void ephemeralOnTheWire() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient listener = client(meeting.viewerToken());
    await(listener.command(cmd("find").put("url", meeting.documentUrl())));
    RawPeer raw = raw(meeting.editorToken(), "raw-presence");
    await(raw.join());
    Future<JsonObject> synced = raw.nextMessage("sync");
    await(raw.request(meeting.documentId()));
    await(synced);

    await(raw.send(presence(raw, meeting, 1, "r1")));
    await(raw.send(presence(raw, meeting, 1, "r1-replayed")));
    Future<JsonObject> second =
        listener.awaitEvent(
            event ->
                "ephemeral".equals(event.getString("event"))
                    && "r2".equals(event.getJsonObject("message").getString("name")));
    await(raw.send(presence(raw, meeting, 2, "r2")));
    await(second);
    // A round trip through the document after both: a copy for the sender would have come first.
    Future<JsonObject> barrier = raw.nextMessage("sync");
    await(raw.request(meeting.documentId()));
    await(barrier);

    assertThat(received(listener, "r1")).isEqualTo(1);
    assertThat(received(listener, "r1-replayed")).as("same count as an earlier message").isZero();
    JsonObject atListener = listener.events("ephemeral").get(0);
    assertThat(atListener.getString("senderId")).isEqualTo("raw-presence");
    assertThat(atListener.getString("documentId")).isEqualTo(meeting.documentId());
    assertThat(raw.messages("ephemeral"))
        .as("nothing echoed to the sender")
        .noneMatch(message -> "raw-presence".equals(message.getString("senderId")));
  }

  /** An ephemeral message as automerge-repo sends it, carrying the CBOR map {"name": name}. */
  private static JsonObject presence(RawPeer raw, TestMeeting meeting, int count, String name) {
    byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String data =
        "a1"
            + "646e616d65"
            + java.util.HexFormat.of().toHexDigits((byte) (0x60 + utf8.length))
            + java.util.HexFormat.of().formatHex(utf8);
    return new JsonObject()
        .put("type", "ephemeral")
        .put("senderId", raw.peerId())
        .put("targetId", "server")
        .put("documentId", meeting.documentId())
        .put("count", count)
        .put("sessionId", "session-1")
        .put("dataHex", data);
  }

  @Test
  @DisplayName(
      "a peer joining again on a new socket replaces the old one and keeps syncing after the old one closed")
  void peerJoiningAgainKeepsSyncing() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient editor = client(meeting.editorToken());
    await(editor.command(cmd("find").put("url", meeting.documentUrl())));
    RawPeer older = raw(meeting.editorToken(), "twin");
    await(older.join());
    Future<JsonObject> olderSync = older.nextMessage("sync");
    await(older.request(meeting.documentId()));
    await(olderSync);

    RawPeer newer = raw(meeting.editorToken(), "twin");
    await(newer.opened());
    Future<JsonObject> newerSync = newer.nextMessage("sync");
    // join and request back to back: the newer link attaches while the older socket is still
    // closing
    await(
        Future.all(
            newer.sendJoin(new io.vertx.core.json.JsonArray().add("1")),
            newer.request(meeting.documentId())));
    await(newerSync);
    JsonObject closed = await(older.closed());
    assertThat(closed.getInteger("code")).isEqualTo(1000);
    assertThat(closed.getString("reason")).isEqualTo("replaced by a newer connection");

    // The older socket's close must not detach the peer's new link from the document.
    Future<JsonObject> update = newer.nextMessage("sync");
    await(editor.command(cmd("type").put("text", "after the twin").put("at", 0)));
    await(editor.command(cmd("waitSaved")));
    assertThat(await(update).getString("documentId")).isEqualTo(meeting.documentId());
  }

  // ---- helpers ----

  private record Editors(TestMeeting meeting, NodeClient a, NodeClient b, String initialText) {}

  /** A new meeting and two official clients with its editor token, both holding the document. */
  private Editors twoEditorsOfANewMeeting() throws TimeoutException {
    TestMeeting meeting = createMeeting();
    NodeClient a = client(meeting.editorToken());
    NodeClient b = client(meeting.editorToken());
    String initial =
        await(a.command(cmd("find").put("url", meeting.documentUrl()))).getString("text");
    await(b.command(cmd("find").put("url", meeting.documentUrl())));
    return new Editors(meeting, a, b, initial);
  }

  /**
   * Both clients type at once, wait until the server holds their own and they hold each other's
   * edits.
   */
  private String typeConcurrently(
      TestMeeting meeting,
      NodeClient a,
      String typedA,
      int atA,
      NodeClient b,
      String typedB,
      int atB)
      throws TimeoutException {
    Future<JsonObject> typingA = a.command(cmd("type").put("text", typedA).put("at", atA));
    Future<JsonObject> typingB = b.command(cmd("type").put("text", typedB).put("at", atB));
    assertThat(await(typingA).getInteger("changes")).isEqualTo(typedA.length());
    assertThat(await(typingB).getInteger("changes")).isEqualTo(typedB.length());
    await(a.command(cmd("waitSaved")));
    await(b.command(cmd("waitSaved")));
    String textA = await(a.command(cmd("waitText").put("contains", typedB))).getString("text");
    String textB = await(b.command(cmd("waitText").put("contains", typedA))).getString("text");
    assertThat(textA).isEqualTo(textB);
    assertThat(storedBody(meeting)).isEqualTo(textA);
    return textA;
  }

  /** {@code from} broadcasts {@code name}; completes when {@code to} received it. */
  private void exchange(NodeClient from, NodeClient to, String name) throws TimeoutException {
    Future<JsonObject> arrival =
        to.awaitEvent(
            event ->
                "ephemeral".equals(event.getString("event"))
                    && name.equals(event.getJsonObject("message").getString("name")));
    await(from.command(cmd("broadcast").put("message", new JsonObject().put("name", name))));
    await(arrival);
  }

  private static long received(NodeClient client, String name) {
    return client.events("ephemeral").stream()
        .filter(event -> name.equals(event.getJsonObject("message").getString("name")))
        .count();
  }

  /** 300 distinct-looking keystrokes, e.g. "abcdefghij" repeated, starting from {@code first}. */
  private static String keystrokes(char first) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < KEYSTROKES; i++) {
      text.append((char) (first + i % 10));
    }
    return text.toString();
  }

  private String storedBody(TestMeeting meeting) throws TimeoutException {
    String markdown =
        await(node.get("/api/meetings/" + meeting.id() + "/minutes.md", meeting.viewerToken()))
            .bodyAsString();
    return MinutesParser.parse(markdown).body();
  }

  private TestMeeting createMeeting() throws TimeoutException {
    return TestMeeting.from(await(node.createMeeting(TestMeeting.request("Ada"))));
  }

  private NodeClient client(String token) {
    NodeClient client =
        NodeClient.start(vertx, "client.mjs", List.of("--url", node.syncUrl(token)));
    processes.add(client);
    return client;
  }

  private RawPeer raw(String token, String peerId) {
    RawPeer peer = RawPeer.connect(vertx, node.syncUrl(token), peerId);
    processes.add(peer);
    return peer;
  }
}
