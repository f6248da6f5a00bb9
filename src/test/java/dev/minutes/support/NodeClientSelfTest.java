package dev.minutes.support;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static dev.minutes.support.NodeClient.isEvent;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Proves the test clients themselves against the reference server (automerge-repo 2.5.6), so that a
 * failing server test points at the server, not at the harness.
 */
@DisplayName("The Node test clients against the reference automerge-repo server")
class NodeClientSelfTest {

  private static final long WAIT_SECONDS = 30;

  private static Vertx vertx;
  private static ReferenceServer server;
  private final List<NodeClient> started = new ArrayList<>();

  @BeforeAll
  static void startServer() throws TimeoutException {
    vertx = Vertx.vertx();
    server = ReferenceServer.start(vertx).await(WAIT_SECONDS, SECONDS);
  }

  @AfterAll
  static void stopServer() throws TimeoutException {
    assertThat(server.stop().await(WAIT_SECONDS, SECONDS)).isZero();
    vertx.close().await(WAIT_SECONDS, SECONDS);
  }

  @AfterEach
  void stopClients() {
    started.forEach(NodeClient::close);
  }

  @Test
  @DisplayName("a client announces the server's peerId and storageId once connected")
  void clientReportsServerPeer() throws TimeoutException {
    NodeClient a = client("peer-a");

    JsonObject peer = await(a.awaitEvent("peer"));

    assertThat(peer.getString("peerId")).isEqualTo(server.peerId());
    assertThat(peer.getString("storageId")).isEqualTo(server.storageId()).isNotBlank();
  }

  @Test
  @DisplayName(
      "a document created by one client is found by another, and concurrent typing converges")
  void createFindAndConcurrentTypingConverge() throws TimeoutException {
    NodeClient a = client("a");
    NodeClient b = client("b");
    String url =
        await(a.command(cmd("create").put("init", new JsonObject().put("body", "Hello"))))
            .getString("url");
    await(a.command(cmd("waitSaved")));

    JsonObject found = await(b.command(cmd("find").put("url", url)));
    assertThat(found.getString("text")).isEqualTo("Hello");

    String alpha = " alpha alpha alpha";
    String bravo = " bravo bravo bravo";
    Future<JsonObject> typedByA = a.command(cmd("type").put("text", alpha).put("intervalMs", 3));
    Future<JsonObject> typedByB = b.command(cmd("type").put("text", bravo).put("intervalMs", 3));
    assertThat(await(typedByA).getInteger("changes")).isEqualTo(alpha.length());
    assertThat(await(typedByB).getInteger("changes")).isEqualTo(bravo.length());

    String converged = await(a.command(cmd("waitText").put("contains", bravo))).getString("text");
    assertThat(converged)
        .startsWith("Hello")
        .contains(alpha, bravo)
        .hasSize(5 + alpha.length() + bravo.length());
    await(b.command(cmd("waitText").put("equals", converged)));
    assertThat(await(b.command(cmd("doc"))).getJsonObject("doc").getString("body"))
        .isEqualTo(converged);
  }

  @Test
  @DisplayName("waitSaved resolves only once the server's heads hold the local changes")
  void waitSavedFollowsTheServersHeads() throws TimeoutException {
    NodeClient a = client("saver");
    await(a.command(cmd("create").put("init", new JsonObject().put("body", ""))));
    await(a.awaitEvent("peer"));
    await(a.command(cmd("disconnect")));
    JsonArray offlineHeads =
        await(a.command(cmd("type").put("text", "typed offline"))).getJsonArray("heads");

    assertThatThrownBy(() -> await(a.command(cmd("waitSaved").put("timeoutMs", 300))))
        .hasMessageContaining("timeout");

    await(a.command(cmd("reconnect")));
    JsonObject saved = await(a.command(cmd("waitSaved")));
    assertThat(saved.getJsonArray("heads")).isEqualTo(offlineHeads);
    assertThat(saved.getJsonArray("serverHeads")).isEqualTo(offlineHeads);
    assertThat(saved.getString("storageId")).isEqualTo(server.storageId());
  }

  @Test
  @DisplayName("an ephemeral message broadcast by one client reaches the other exactly once")
  void ephemeralReachesTheOtherClientOnce() throws TimeoutException {
    NodeClient a = client("sender");
    NodeClient b = client("receiver");
    String url =
        await(a.command(cmd("create").put("init", new JsonObject().put("body", "x"))))
            .getString("url");
    await(a.command(cmd("waitSaved")));
    await(b.command(cmd("find").put("url", url)));
    JsonObject cursor = new JsonObject().put("cursor", 3).put("user", "A");
    JsonObject marker = new JsonObject().put("last", true);

    await(a.command(cmd("broadcast").put("message", cursor)));
    await(a.command(cmd("broadcast").put("message", marker)));
    await(
        b.awaitEvent(
            event ->
                isEvent("ephemeral").test(event) && marker.equals(event.getJsonObject("message"))));

    List<JsonObject> received = b.events("ephemeral");
    assertThat(received)
        .filteredOn(event -> cursor.equals(event.getJsonObject("message")))
        .singleElement()
        .satisfies(event -> assertThat(event.getString("senderId")).isEqualTo("sender"));
    assertThat(a.events("ephemeral")).isEmpty();
  }

  @Test
  @DisplayName("edits made while disconnected stay local and sync after reconnecting")
  void offlineEditsConvergeAfterReconnect() throws TimeoutException {
    NodeClient a = client("roamer");
    NodeClient b = client("stayer");
    String url =
        await(a.command(cmd("create").put("init", new JsonObject().put("body", "base"))))
            .getString("url");
    await(a.command(cmd("waitSaved")));
    await(b.command(cmd("find").put("url", url)));

    await(a.command(cmd("disconnect")));
    assertThat(await(a.command(cmd("status"))).getJsonArray("peers")).isEmpty();
    await(a.command(cmd("type").put("text", " offline-A")));
    await(b.command(cmd("type").put("text", " online-B")));
    await(b.command(cmd("waitSaved")));
    assertThat(await(a.command(cmd("text"))).getString("text")).doesNotContain("online-B");

    await(a.command(cmd("reconnect")));
    String converged =
        await(b.command(cmd("waitText").put("contains", "offline-A"))).getString("text");
    assertThat(converged).contains("online-B");
    await(a.command(cmd("waitText").put("equals", converged)));
  }

  @Test
  @DisplayName(
      "after the socket dies the adapter reconnects by itself and syncs what was typed meanwhile")
  void droppedSocketReconnectsOnItsOwn() throws TimeoutException {
    NodeClient a = client("dropper");
    await(a.command(cmd("create").put("init", new JsonObject().put("body", "one"))));
    await(a.command(cmd("waitSaved")));
    Future<JsonObject> reconnected = a.awaitNextEvent(isEvent("peer"));

    await(a.command(cmd("drop")));
    await(a.command(cmd("type").put("text", " two")));
    await(a.awaitEvent("socket-closed"));
    await(reconnected);

    JsonObject saved = await(a.command(cmd("waitSaved")));
    assertThat(saved.getJsonArray("serverHeads")).isEqualTo(saved.getJsonArray("heads"));
  }

  @Test
  @DisplayName(
      "finding a document that exists nowhere fails as unavailable because the server says so, not by a timeout")
  void unknownDocumentIsUnavailableFast() throws TimeoutException {
    NodeClient b = client("seeker");
    String url = await(b.command(cmd("randomUrl"))).getString("url");
    await(b.awaitEvent("peer"));

    // The client would give up only after two minutes, far past await's bound: a failure within
    // the bound comes from the server's doc-unavailable answer.
    assertThatThrownBy(
            () -> await(b.command(cmd("find").put("url", url).put("timeoutMs", 120_000))))
        .isInstanceOfSatisfying(
            NodeCommandException.class,
            failure -> {
              assertThat(failure.error()).contains("unavailable");
              assertThat(failure.reply().getBoolean("unavailable")).isTrue();
            });
  }

  @Test
  @DisplayName("the raw client joins, receives the peer message, and sees the version error")
  void rawClientSpeaksTheProtocol() throws TimeoutException {
    NodeClient raw = start("raw.mjs", List.of("--url", server.url()));
    JsonObject sent = await(raw.command(cmd("send").put("message", join("raw-1", "1"))));
    // Same bytes as the official client's join (protocol doc section 8): 16-bit map headers, f7.
    assertThat(sent.getString("hex")).startsWith("b900046474797065646a6f696e").contains("f7");

    JsonObject peer = await(raw.awaitEvent("message")).getJsonObject("message");
    assertThat(peer.getString("type")).isEqualTo("peer");
    assertThat(peer.getString("targetId")).isEqualTo("raw-1");
    assertThat(peer.getString("selectedProtocolVersion")).isEqualTo("1");
    assertThat(peer.getJsonObject("peerMetadata").getString("storageId"))
        .isEqualTo(server.storageId());

    await(
        raw.command(
            cmd("send")
                .put(
                    "message",
                    new JsonObject()
                        .put("type", "request")
                        .put("senderId", "raw-1")
                        .put("targetId", server.peerId())
                        .put("documentId", "4TeovzyCRE9wuDuSV86MvEGu3cmc")
                        .put("dataHex", "42000001000000020284"))));
    JsonObject unavailable =
        await(
                raw.awaitEvent(
                    event ->
                        isEvent("message").test(event)
                            && "doc-unavailable"
                                .equals(event.getJsonObject("message").getString("type"))))
            .getJsonObject("message");
    assertThat(unavailable.getString("documentId")).isEqualTo("4TeovzyCRE9wuDuSV86MvEGu3cmc");

    NodeClient wrongVersion = start("raw.mjs", List.of("--url", server.url()));
    await(wrongVersion.command(cmd("send").put("message", join("raw-2", "2"))));
    JsonObject error = await(wrongVersion.awaitEvent("message")).getJsonObject("message");
    assertThat(error.getString("type")).isEqualTo("error");
    assertThat(error.getString("message")).isEqualTo("unsupported protocol version");
    await(wrongVersion.awaitEvent("close"));
  }

  @Test
  @DisplayName("a client reports an error message from the server and the close that follows")
  void clientReportsServerErrorMessages() throws TimeoutException {
    CBORMapper cbor = new CBORMapper();
    HttpServer refusing =
        vertx
            .createHttpServer()
            .webSocketHandler(
                socket ->
                    socket.binaryMessageHandler(
                        frame -> {
                          Map<String, Object> join = decode(cbor, frame);
                          Map<String, Object> error =
                              Map.of(
                                  "type",
                                  "error",
                                  "senderId",
                                  "refuser",
                                  "message",
                                  "change refused: read-only token",
                                  "targetId",
                                  join.get("senderId"));
                          socket
                              .writeBinaryMessage(Buffer.buffer(encode(cbor, error)))
                              .compose(v -> socket.close((short) 1008, "refused"));
                        }))
            .listen(0, "127.0.0.1")
            .await(WAIT_SECONDS, SECONDS);
    try {
      NodeClient a =
          start(
              "client.mjs",
              List.of(
                  "--url",
                  "ws://127.0.0.1:" + refusing.actualPort() + "/sync",
                  "--peer-id",
                  "refused"));

      JsonObject error = await(a.awaitEvent("error-message"));
      assertThat(error.getString("message")).isEqualTo("change refused: read-only token");
      assertThat(error.getString("senderId")).isEqualTo("refuser");
      assertThat(error.getString("targetId")).isEqualTo("refused");
      JsonObject closed = await(a.awaitEvent("socket-closed"));
      assertThat(closed.getInteger("code")).isEqualTo(1008);
      assertThat(closed.getString("reason")).isEqualTo("refused");
    } finally {
      refusing.close().await(WAIT_SECONDS, SECONDS);
    }
  }

  @Test
  @DisplayName("exit shuts a client down cleanly with exit code 0")
  void exitIsClean() throws TimeoutException {
    NodeClient a = client("leaver");
    await(a.awaitEvent("peer"));

    assertThat(await(a.exit())).isZero();
    assertThatThrownBy(() -> await(a.command(cmd("text")))).hasMessageContaining("exit code 0");
  }

  private static JsonObject join(String peerId, String version) {
    return new JsonObject()
        .put("type", "join")
        .put("senderId", peerId)
        .put(
            "peerMetadata",
            new JsonObject()
                .put("storageId", new JsonObject().put("$undefined", true))
                .put("isEphemeral", true))
        .put("supportedProtocolVersions", new JsonArray().add(version));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> decode(CBORMapper cbor, Buffer frame) {
    try {
      return cbor.readValue(frame.getBytes(), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(CBORMapper cbor, Map<String, Object> message) {
    try {
      return cbor.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private NodeClient client(String peerId) {
    return start(
        "client.mjs", List.of("--url", server.url() + "?token=ignored", "--peer-id", peerId));
  }

  private NodeClient start(String script, List<String> args) {
    NodeClient client = NodeClient.start(vertx, script, args);
    started.add(client);
    return client;
  }
}
