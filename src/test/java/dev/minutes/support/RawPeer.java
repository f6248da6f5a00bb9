package dev.minutes.support;

import static dev.minutes.support.NodeClient.cmd;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Predicate;

/**
 * A raw protocol peer ({@code src/test/node/raw.mjs}) with the few steps protocol tests repeat:
 * join, ask for a document, send arbitrary frames, and wait for what the server answers.
 */
public final class RawPeer implements AutoCloseable {
  /** The sync message of a peer that has nothing (what the official client sends in a request). */
  public static final String EMPTY_SYNC_HEX = "42000001000000020284";

  private final NodeClient client;
  private final String peerId;

  private RawPeer(NodeClient client, String peerId) {
    this.client = client;
    this.peerId = peerId;
  }

  /**
   * Opens a socket to {@code url} (blocking briefly to spawn the process; call from the test
   * thread).
   */
  public static RawPeer connect(Vertx vertx, String url, String peerId) {
    return connect(vertx, url, peerId, true);
  }

  /**
   * As {@link #connect(Vertx, String, String)}; with {@code answerPings} false the socket never
   * sends a pong.
   */
  public static RawPeer connect(Vertx vertx, String url, String peerId, boolean answerPings) {
    List<String> args = answerPings ? List.of("--url", url) : List.of("--url", url, "--no-pong");
    return new RawPeer(NodeClient.start(vertx, "raw.mjs", args), peerId);
  }

  public String peerId() {
    return peerId;
  }

  public NodeClient client() {
    return client;
  }

  /** Completes once the WebSocket is open. */
  public Future<JsonObject> opened() {
    return client.awaitEvent("open");
  }

  /**
   * Sends {@code join} with protocol version 1 and completes with the server's {@code peer}
   * message.
   */
  public Future<JsonObject> join() {
    return join(new JsonArray().add("1"));
  }

  /** Sends {@code join} offering {@code versions} and completes once it is sent. */
  public Future<JsonObject> sendJoin(JsonArray versions) {
    return send(
        new JsonObject()
            .put("type", "join")
            .put("senderId", peerId)
            .put("peerMetadata", new JsonObject().put("isEphemeral", true))
            .put("supportedProtocolVersions", versions));
  }

  private Future<JsonObject> join(JsonArray versions) {
    Future<JsonObject> peer = client.awaitNextEvent(messageOfType("peer"));
    return opened()
        .compose(v -> sendJoin(versions))
        .compose(v -> peer)
        .map(event -> event.getJsonObject("message"));
  }

  /**
   * Sends a {@code request} for the document as a peer that has nothing, and completes once it is
   * sent.
   */
  public Future<JsonObject> request(String documentId) {
    return send(syncMessage("request", documentId, EMPTY_SYNC_HEX));
  }

  /**
   * A {@code sync}/{@code request} message from this peer; {@code dataHex} becomes the byte string
   * {@code data}.
   */
  public JsonObject syncMessage(String type, String documentId, String dataHex) {
    return new JsonObject()
        .put("type", type)
        .put("senderId", peerId)
        .put("targetId", "server")
        .put("documentId", documentId)
        .put("dataHex", dataHex);
  }

  /** Sends one message as a CBOR frame (see raw.mjs for the hex and undefined conventions). */
  public Future<JsonObject> send(JsonObject message) {
    return client.command(cmd("send").put("message", message));
  }

  public Future<JsonObject> sendRaw(String hex) {
    return client.command(cmd("sendRaw").put("hex", hex));
  }

  public Future<JsonObject> sendText(String text) {
    return client.command(cmd("sendText").put("text", text));
  }

  /** The next decoded message of this type received after this call. */
  public Future<JsonObject> nextMessage(String type) {
    return client.awaitNextEvent(messageOfType(type)).map(event -> event.getJsonObject("message"));
  }

  /** The first message of this type, already received or still to come. */
  public Future<JsonObject> message(String type) {
    return client.awaitEvent(messageOfType(type)).map(event -> event.getJsonObject("message"));
  }

  /** Every decoded message of this type received so far. */
  public List<JsonObject> messages(String type) {
    return client.events().stream()
        .filter(messageOfType(type))
        .map(event -> event.getJsonObject("message"))
        .toList();
  }

  /** The close event (code, reason), already received or still to come. */
  public Future<JsonObject> closed() {
    return client.awaitEvent("close");
  }

  public static Predicate<JsonObject> messageOfType(String type) {
    return event ->
        "message".equals(event.getString("event"))
            && event.getJsonObject("message") != null
            && type.equals(event.getJsonObject("message").getString("type"));
  }

  @Override
  public void close() {
    client.close();
  }
}
