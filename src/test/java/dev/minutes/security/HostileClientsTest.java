package dev.minutes.security;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import dev.minutes.support.SyncPeer;
import dev.minutes.support.TestNode;
import dev.minutes.support.WirePeer;
import dev.minutes.sync.codec.DocUnavailable;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.ErrorMessage;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Request;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One test per attack: each asserts the precise refusal, that the attacker costs nothing lasting
 * (its natives freed, its connections gone), and that an honest editor on the same node, connected
 * before the attack from another loopback address, still gets its edits acknowledged and stored.
 */
@DisplayName("Hostile clients")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class HostileClientsTest {
  private static final int MAX_FRAME = 64 * 1024;
  private static final int MAX_MESSAGE = 128 * 1024;
  private static final int MESSAGES_PER_SECOND = 50;
  private static final int CONNECTIONS_PER_IP = 20;
  private static final int PRESENCE_PER_SECOND = 50;
  private static final long REQUEST_TIMEOUT_MS = 1000;
  private static final String ALLOWED_ORIGIN = "https://minutes.example";
  private static final byte[] EMPTY_SYNC = HexFormat.of().parseHex("42000001000000020284");

  private static Vertx vertx;
  private static TestNode node;

  /** Attackers connect from 127.0.0.1; the honest editor from 127.0.0.2, another address. */
  private static WebSocketClient attackers;

  private static WebSocketClient honestClients;

  private JsonObject meeting;
  private SyncPeer honest;

  @BeforeAll
  static void startNode() throws Exception {
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx,
                RedisHarness.newPrefix(),
                Map.of(
                    "MINUTES_MAX_FRAME_BYTES", String.valueOf(MAX_FRAME),
                    "MINUTES_MAX_MESSAGE_BYTES", String.valueOf(MAX_MESSAGE),
                    "MINUTES_MAX_MESSAGES_PER_SECOND", String.valueOf(MESSAGES_PER_SECOND),
                    "MINUTES_MAX_CONNECTIONS_PER_IP", String.valueOf(CONNECTIONS_PER_IP),
                    "MINUTES_REQUEST_TIMEOUT_MS", String.valueOf(REQUEST_TIMEOUT_MS),
                    "MINUTES_PRESENCE_PER_SECOND", String.valueOf(PRESENCE_PER_SECOND),
                    "MINUTES_ALLOWED_ORIGINS", ALLOWED_ORIGIN))
            .await(30, SECONDS);
    attackers =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxFrameSize(4 * MAX_MESSAGE)
                .setMaxMessageSize(4 * MAX_MESSAGE)
                .setMaxConnections(4096));
    honestClients =
        vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress("127.0.0.2"));
  }

  @AfterAll
  static void stopNode() throws Exception {
    attackers.close().await(30, SECONDS);
    honestClients.close().await(30, SECONDS);
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @BeforeEach
  void honestEditorJoins() throws Exception {
    meeting = node.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    honest =
        SyncPeer.connect(
                honestClients,
                node.port(),
                token("editor"),
                documentId(),
                "honest-" + UUID.randomUUID())
            .await(30, SECONDS);
    honest.append("[before]").await(30, SECONDS);
  }

  @AfterEach
  void honestEditorStillSyncs() throws Exception {
    try {
      String marker = "[after-" + UUID.randomUUID() + "]";
      honest.append(marker).await(30, SECONDS);
      assertThat(storedMinutes()).contains("[before]", marker);
      assertThat(honest.errors().await(30, SECONDS)).isEmpty();
    } finally {
      honest.close();
    }
  }

  @Test
  @DisplayName("an oversized frame is refused as message-too-large and only that socket is closed")
  void oversizedFrame() throws Exception {
    double before = refusals("message-too-large");
    WirePeer attacker = joinedAttacker("big-frame");
    attacker.sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[MAX_FRAME + 1]), true));

    // The server answers 1009 and closes at once; a client still writing the frame gets a reset
    // instead, and with it loses the close frame (1006).
    assertThat(attacker.closed().await(30, SECONDS)).isIn((short) 1009, (short) 1006);
    assertThat(refusals("message-too-large") - before).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a message fragmented past the message limit is refused as message-too-large with 1009")
  void oversizedFragmentedMessage() throws Exception {
    double before = refusals("message-too-large");
    WirePeer attacker = joinedAttacker("many-fragments");
    attacker.sendFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[MAX_FRAME / 2]), false));
    for (int i = 0; i < 2 * MAX_MESSAGE / MAX_FRAME; i++) {
      attacker
          .sendFrame(
              WebSocketFrame.continuationFrame(Buffer.buffer(new byte[MAX_FRAME / 2]), false))
          .await(30, SECONDS);
    }

    assertThat(attacker.closed().await(30, SECONDS)).isIn((short) 1009, (short) 1006);
    assertThat(refusals("message-too-large") - before).isEqualTo(1);
    assertThat(errorsOf(attacker)).allMatch(e -> e.startsWith("message-too-large: "));
  }

  @Test
  @DisplayName("a flood of messages is answered with one 'overloaded' error and a 1013 close")
  void messageFlood() throws Exception {
    WirePeer attacker = joinedAttacker("flooder");
    for (int count = 1; count <= 20 * MESSAGES_PER_SECOND && !attacker.isClosed(); count++) {
      attacker.send(
          new Ephemeral("flooder", null, documentId(), count, "s", new byte[] {(byte) 0xa0}));
    }

    assertThat(attacker.closed().await(30, SECONDS)).isEqualTo((short) 1013);
    assertThat(errorsOf(attacker))
        .singleElement()
        .asString()
        .startsWith("overloaded: more than 50 messages per second");
    assertThat(refusals("overloaded")).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName(
      "presence from many connections at once is forwarded only up to the document's budget, the rest dropped")
  void presenceFlood() throws Exception {
    double droppedBefore = presenceDropped();
    int before = honest.presenceReceived().await(30, SECONDS);
    int sent = 0;
    List<WirePeer> flooders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String peerId = "presence-" + i;
      WirePeer flooder = joinedAttacker(peerId);
      flooders.add(flooder);
      // Within each connection's own limit (join and request used two of its burst of 100).
      for (int count = 1; count <= 90; count++) {
        flooder.send(
            new Ephemeral(peerId, null, documentId(), count, "s", new byte[] {(byte) 0xa0}));
        sent++;
      }
    }
    int flood = sent;
    // Every message is either forwarded to every peer (the honest editor among them) or dropped.
    Promise<Void> accounted = Promise.promise();
    vertx.runOnContext(
        start ->
            vertx.setPeriodic(
                20,
                id ->
                    honest
                        .presenceReceived()
                        .onSuccess(
                            received -> {
                              if (received - before + presenceDropped() - droppedBefore == flood
                                  && accounted.tryComplete()) {
                                vertx.cancelTimer(id);
                              }
                            })));
    accounted.future().await(30, SECONDS);

    assertThat(presenceDropped() - droppedBefore).isPositive();
    assertThat(flooders).noneMatch(WirePeer::isClosed);
    for (WirePeer flooder : flooders) {
      flooder.close().await(30, SECONDS);
    }
  }

  @Test
  @DisplayName(
      "thousands of connections from one address: beyond the limit each upgrade gets 429, and the count recovers")
  void connectionsFromOneAddress() throws Exception {
    // Fill the address' quota (sockets of earlier tests may still hold a little of it).
    List<WirePeer> held = new ArrayList<>();
    Integer status = null;
    while (status == null && held.size() <= CONNECTIONS_PER_IP) {
      Future<WirePeer> attempt = WirePeer.connect(attackers, node.port(), token("editor"));
      status = upgradeStatus(attempt);
      if (status == null) {
        held.add(attempt.result());
      }
    }
    assertThat(status).isEqualTo(429);
    assertThat(held).hasSizeLessThanOrEqualTo(CONNECTIONS_PER_IP);
    AtomicInteger refused429 = new AtomicInteger();
    for (int batch = 0; batch < 20; batch++) {
      List<Future<WirePeer>> attempts = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        attempts.add(WirePeer.connect(attackers, node.port(), token("editor")));
      }
      for (Future<WirePeer> attempt : attempts) {
        Throwable failure =
            attempt.transform(ar -> Future.succeededFuture(ar.cause())).await(30, SECONDS);
        if (failure instanceof UpgradeRejectedException rejected && rejected.getStatus() == 429) {
          refused429.incrementAndGet();
        }
      }
    }
    assertThat(refused429.get()).isEqualTo(2000);

    for (WirePeer peer : held) {
      peer.close().await(30, SECONDS);
    }
    // Closing released the address' count: a new connection from it is accepted again.
    WirePeer again = awaitAccepted(() -> WirePeer.connect(attackers, node.port(), token("editor")));
    again.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "the sync endpoint without a token, or with an unknown one, opens the socket only to send an"
          + " invalid-token error and close it with 1008")
  void noToken() throws Exception {
    for (String token : new String[] {null, "e_" + "A".repeat(43)}) {
      WirePeer refused = WirePeer.connect(attackers, node.port(), token).await(30, SECONDS);
      refused.send(new Join("intruder", new PeerMetadata(null, true), List.of("1")));
      ProtocolMessage error =
          refused.next(m -> m.type().equals(ProtocolMessage.ERROR)).await(30, SECONDS);
      assertThat(((ErrorMessage) error).message()).startsWith("invalid-token: ");
      assertThat(((ErrorMessage) error).targetId()).isEqualTo("intruder");
      assertThat(refused.closed().await(30, SECONDS)).isEqualTo((short) 1008);
      assertThat(refused.received()).hasSize(1);
    }
    assertThat(
            node.get("/api/meetings/" + meeting.getString("id"), null)
                .await(30, SECONDS)
                .statusCode())
        .isEqualTo(401);
  }

  @Test
  @DisplayName(
      "a plain GET of the sync endpoint, even with a valid token, is answered 400 instead of left open")
  void plainGetOfSyncEndpoint() throws Exception {
    var response = node.get("/sync?token=" + token("editor"), null).await(30, SECONDS);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("upgrade_required");
  }

  @Test
  @DisplayName(
      "a WebSocket from a foreign origin answers 403 before upgrading; the configured origin is accepted")
  void foreignOrigin() throws Exception {
    WebSocketConnectOptions foreign =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/sync?token=" + token("editor"))
            .addHeader("origin", "https://evil.example");
    assertThat(upgradeStatus(WirePeer.connect(attackers, foreign))).isEqualTo(403);

    WebSocketConnectOptions allowed =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(node.port())
            .setURI("/sync?token=" + token("editor"))
            .addHeader("origin", ALLOWED_ORIGIN);
    WirePeer accepted = WirePeer.connect(attackers, allowed).await(30, SECONDS);
    accepted.join("from-allowed-origin").await(30, SECONDS);
    accepted.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "a token of one meeting used on another meeting's document gets doc-unavailable and changes nothing")
  void tokenOfAnotherMeeting() throws Exception {
    JsonObject other = node.createMeeting(new JsonObject().put("chair", "Eve")).await(30, SECONDS);
    String otherToken = other.getJsonObject("tokens").getString("editor");
    WirePeer attacker = WirePeer.connect(attackers, node.port(), otherToken).await(30, SECONDS);
    attacker.join("cross-meeting").await(30, SECONDS);

    attacker.send(new Request("cross-meeting", null, documentId(), EMPTY_SYNC));

    ProtocolMessage answer =
        attacker.next(m -> m.type().equals(ProtocolMessage.DOC_UNAVAILABLE)).await(30, SECONDS);
    assertThat(((DocUnavailable) answer).documentId()).isEqualTo(documentId());
    assertThat(attacker.received()).noneMatch(m -> m.type().equals(ProtocolMessage.SYNC));
    assertThat(refusals("unknown-document")).isGreaterThanOrEqualTo(1);
    attacker.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "a viewer sending changes gets 'read-only', keeps its socket, and nothing of its change is stored")
  void viewerSendsChanges() throws Exception {
    SyncPeer viewer =
        SyncPeer.connect(
                attackers,
                node.port(),
                token("viewer"),
                documentId(),
                "viewer-" + UUID.randomUUID())
            .await(30, SECONDS);
    Future<Void> neverAcknowledged = viewer.append("[viewer-wrote-this]");

    String error = awaitError(viewer);
    assertThat(error).startsWith("read-only: this link may only read");
    assertThat(neverAcknowledged.isComplete()).isFalse();
    assertThat(viewer.closed().isComplete()).isFalse();
    honest.append("[after-viewer]").await(30, SECONDS);
    assertThat(storedMinutes()).contains("[after-viewer]").doesNotContain("viewer-wrote-this");
    assertThat(honest.text().await(30, SECONDS)).doesNotContain("viewer-wrote-this");
    viewer.close();
  }

  @Test
  @DisplayName(
      "slow-loris: a handshake sent a header line at a time is cut off at the request deadline")
  void slowLorisHandshake() throws Exception {
    double timeoutsBefore = requestTimeouts();
    NetClient tcp = vertx.createNetClient();
    List<Future<Void>> cutOff = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      NetSocket socket = tcp.connect(node.port(), "127.0.0.1").await(30, SECONDS);
      Promise<Void> closed = Promise.promise();
      socket.closeHandler(v -> closed.complete());
      socket.write(
          "GET /sync?token="
              + token("editor")
              + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Upgrade: websocket\r\nConnection: Upgrade\r\n");
      // One more header line every 100 ms, forever: the headers never end.
      long timer = vertx.setPeriodic(100, id -> socket.write("X-Slow: " + id + "\r\n"));
      cutOff.add(closed.future().onComplete(ar -> vertx.cancelTimer(timer)));
    }
    // A connection that sends nothing at all is cut off too.
    NetSocket silent = tcp.connect(node.port(), "127.0.0.1").await(30, SECONDS);
    Promise<Void> silentClosed = Promise.promise();
    silent.closeHandler(v -> silentClosed.complete());
    cutOff.add(silentClosed.future());

    Future.all(cutOff).await(30, SECONDS);
    assertThat(requestTimeouts() - timeoutsBefore).isGreaterThanOrEqualTo(51);
    tcp.close().await(30, SECONDS);
    // The honest WebSocket, open for longer than the deadline by now, is not affected (checked
    // after each test).
  }

  // ---- helpers ----

  private WirePeer joinedAttacker(String peerId) throws Exception {
    WirePeer attacker =
        WirePeer.connect(attackers, node.port(), token("editor")).await(30, SECONDS);
    attacker.join(peerId).await(30, SECONDS);
    attacker.send(new Request(peerId, null, documentId(), EMPTY_SYNC));
    attacker.next(m -> m.type().equals(ProtocolMessage.SYNC)).await(30, SECONDS);
    return attacker;
  }

  private static List<String> errorsOf(WirePeer peer) {
    return peer.received().stream()
        .filter(ErrorMessage.class::isInstance)
        .map(m -> ((ErrorMessage) m).message())
        .toList();
  }

  private static Integer upgradeStatus(Future<WirePeer> attempt) throws Exception {
    Throwable failure =
        attempt.transform(ar -> Future.succeededFuture(ar.cause())).await(30, SECONDS);
    return failure instanceof UpgradeRejectedException rejected ? rejected.getStatus() : null;
  }

  private WirePeer awaitAccepted(java.util.function.Supplier<Future<WirePeer>> connect)
      throws Exception {
    Promise<WirePeer> accepted = Promise.promise();
    retryConnect(connect, accepted);
    return accepted.future().await(30, SECONDS);
  }

  /** The server releases a closed socket's count when it sees the close: retry until then. */
  private void retryConnect(
      java.util.function.Supplier<Future<WirePeer>> connect, Promise<WirePeer> accepted) {
    connect
        .get()
        .onSuccess(accepted::complete)
        .onFailure(failure -> vertx.setTimer(20, id -> retryConnect(connect, accepted)));
  }

  private String awaitError(SyncPeer peer) throws Exception {
    Promise<String> error = Promise.promise();
    // Timers are set from an event loop: cancelling one from its own handler is then safe.
    vertx.runOnContext(
        start ->
            vertx.setPeriodic(
                20,
                id ->
                    peer.errors()
                        .onSuccess(
                            errors -> {
                              if (!errors.isEmpty() && error.tryComplete(errors.get(0))) {
                                vertx.cancelTimer(id);
                              }
                            })));
    return error.future().await(30, SECONDS);
  }

  private String storedMinutes() throws Exception {
    return node.get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token("chair"))
        .await(30, SECONDS)
        .bodyAsString();
  }

  private String token(String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private String documentId() {
    return DocumentIds.fromUrl(meeting.getString("documentUrl"));
  }

  private static double refusals(String reason) {
    var counter = node.node().registry().find("minutes_refusals").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double presenceDropped() {
    var counter = node.node().registry().find("minutes_presence_dropped").counter();
    return counter == null ? 0 : counter.count();
  }

  private static double requestTimeouts() {
    var counter = node.node().registry().find("minutes_http_request_timeouts").counter();
    return counter == null ? 0 : counter.count();
  }
}
