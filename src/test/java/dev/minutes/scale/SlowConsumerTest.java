package dev.minutes.scale;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.SyncPeer;
import dev.minutes.support.TestNode;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Request;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A client that stops reading must not make the server buffer without bound. */
@DisplayName("A client that never reads")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowConsumerTest {
  private static final byte[] EMPTY_SYNC = HexFormat.of().parseHex("42000001000000020284");

  private Vertx vertx;
  private TestNode node;
  private WebSocketClient sockets;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx, RedisHarness.newPrefix(), Map.of("MINUTES_WRITE_QUEUE_BYTES", "65536"))
            .await(30, SECONDS);
    // Frames up to the server's limit, so the stalled client never closes on its own.
    sockets =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 20));
  }

  @AfterEach
  void stop() throws Exception {
    sockets.close().await(30, SECONDS);
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "is disconnected as a slow consumer once its queue is full, its sync state is freed, and an editor keeps syncing")
  void nonReadingClientIsDisconnected() throws Exception {
    JsonObject meeting =
        node.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    String token = meeting.getJsonObject("tokens").getString("editor");
    String documentId = DocumentIds.fromUrl(meeting.getString("documentUrl"));

    SyncPeer honest =
        SyncPeer.connect(sockets, node.port(), token, documentId, "honest").await(30, SECONDS);
    WebSocket stalled = joinAndOpen("stalled", token, documentId);
    WebSocket flooder = joinAndOpen("flooder", token, documentId);
    Await.until("three sync states live", () -> node.node().natives().liveSyncStates() == 3);
    stalled.pause(); // never read again: TCP back-pressure fills the server's queue for it

    byte[] presence = new byte[256 * 1024];
    for (int count = 1; count <= 400 && slowConsumerRefusals() == 0; count++) {
      Ephemeral message = new Ephemeral("flooder", null, documentId, count, "session-1", presence);
      flooder.writeBinaryMessage(Buffer.buffer(MessageCodec.encode(message))).await(30, SECONDS);
    }

    Await.until("a slow-consumer refusal", () -> slowConsumerRefusals() >= 1);
    Await.until(
        "the slow consumer's sync state freed", () -> node.node().natives().liveSyncStates() == 2);
    assertThat(slowConsumerRefusals()).isGreaterThanOrEqualTo(1);
    assertThat(node.node().natives().liveSyncStates()).isEqualTo(2);
    honest.append("[still syncing]").await(30, SECONDS);
    assertThat(honest.errors().await(30, SECONDS)).isEmpty();
    honest.close();
  }

  private double slowConsumerRefusals() {
    var counter =
        node.node().registry().find("minutes_refusals").tag("reason", "slow-consumer").counter();
    return counter == null ? 0 : counter.count();
  }

  private WebSocket joinAndOpen(String peerId, String token, String documentId) throws Exception {
    WebSocket socket =
        sockets
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(node.port())
                    .setURI("/sync?token=" + token))
            .await(30, SECONDS);
    Promise<Void> peered = Promise.promise();
    Promise<Void> synced = Promise.promise();
    socket.binaryMessageHandler(
        frame -> {
          ProtocolMessage message = MessageCodec.decode(frame.getBytes());
          if ("peer".equals(message.type())) {
            peered.tryComplete();
          } else if ("sync".equals(message.type())) {
            synced.tryComplete();
          }
        });
    send(socket, new Join(peerId, new PeerMetadata(null, true), List.of("1")));
    peered.future().await(30, SECONDS);
    send(socket, new Request(peerId, null, documentId, EMPTY_SYNC));
    synced.future().await(30, SECONDS);
    return socket;
  }

  private static void send(WebSocket socket, ProtocolMessage message) throws Exception {
    socket.writeBinaryMessage(Buffer.buffer(MessageCodec.encode(message))).await(30, SECONDS);
  }
}
