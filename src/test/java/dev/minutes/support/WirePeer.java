package dev.minutes.support;

import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A raw WebSocket to the sync endpoint that sends exactly what a test tells it (valid messages,
 * arbitrary bytes, oversized or fragmented frames) and records every message it receives. For
 * attacks and fuzzing; the honest counterpart is {@link SyncPeer}.
 */
public final class WirePeer {
  private final WebSocket socket;
  private final List<ProtocolMessage> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();

  private record Waiter(Predicate<ProtocolMessage> predicate, Promise<ProtocolMessage> message) {}

  private WirePeer(WebSocket socket) {
    this.socket = socket;
    socket.binaryMessageHandler(this::onFrame);
    socket.closeHandler(
        v -> {
          closed.tryComplete(socket.closeStatusCode());
          IllegalStateException gone =
              new IllegalStateException(
                  "closed with "
                      + socket.closeStatusCode()
                      + " "
                      + socket.closeReason()
                      + " after "
                      + received);
          synchronized (this) {
            waiters.forEach(w -> w.message().tryFail(gone));
            waiters.clear();
          }
        });
    // A refused socket may be reset rather than closed; the close handler still runs.
    socket.exceptionHandler(failure -> {});
  }

  /** Opens a socket with the given token (null for none); fails with the upgrade's refusal. */
  public static Future<WirePeer> connect(WebSocketClient client, int port, String token) {
    return connect(
        client,
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(token == null ? "/sync" : "/sync?token=" + token)
            .setAllowOriginHeader(
                false)); // like Node clients: no Origin (browsers always send one)
  }

  public static Future<WirePeer> connect(WebSocketClient client, WebSocketConnectOptions options) {
    return client.connect(options).map(WirePeer::new);
  }

  /** Sends join and completes with the server's {@code peer} answer. */
  public Future<ProtocolMessage> join(String peerId) {
    Future<ProtocolMessage> peer = next(m -> m.type().equals(ProtocolMessage.PEER));
    send(new Join(peerId, new PeerMetadata(null, true), List.of("1")));
    return peer;
  }

  public Future<Void> send(ProtocolMessage message) {
    return sendBytes(MessageCodec.encode(message));
  }

  public Future<Void> sendBytes(byte[] frame) {
    return socket.writeBinaryMessage(Buffer.buffer(frame));
  }

  public Future<Void> sendFrame(WebSocketFrame frame) {
    return socket.writeFrame(frame);
  }

  /** The first received message, past or future, that matches. */
  public synchronized Future<ProtocolMessage> next(Predicate<ProtocolMessage> predicate) {
    for (ProtocolMessage message : received) {
      if (predicate.test(message)) {
        return Future.succeededFuture(message);
      }
    }
    Promise<ProtocolMessage> promise = Promise.promise();
    if (closed.future().isComplete()) {
      promise.fail("closed with " + socket.closeStatusCode() + " after " + received);
    } else {
      waiters.add(new Waiter(predicate, promise));
    }
    return promise.future();
  }

  public synchronized List<ProtocolMessage> received() {
    return List.copyOf(received);
  }

  /** Completes with the close status code (null when the connection dropped without one). */
  public Future<Short> closed() {
    return closed.future();
  }

  public Future<Void> close() {
    return socket.close();
  }

  public boolean isClosed() {
    return socket.isClosed();
  }

  private synchronized void onFrame(Buffer frame) {
    ProtocolMessage message;
    try {
      message = MessageCodec.decode(frame.getBytes());
    } catch (MalformedMessageException e) {
      throw new IllegalStateException("the server sent an undecodable frame", e);
    }
    received.add(message);
    waiters.removeIf(w -> w.predicate().test(message) && w.message().tryComplete(message));
  }
}
