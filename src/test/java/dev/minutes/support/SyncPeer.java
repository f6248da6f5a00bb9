package dev.minutes.support;

import dev.minutes.sync.codec.ErrorMessage;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Request;
import dev.minutes.sync.codec.Sync;
import dev.minutes.sync.codec.SyncMessageInspector;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.ChangeHashes;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.SyncState;
import org.automerge.Transaction;

/**
 * An honest editor written in Java: a raw WebSocket speaking the protocol with the Automerge Java
 * binding, light enough to start many and to run next to an attack (no Node process). It joins,
 * asks for one document, keeps in sync with the server, and appends text on request.
 *
 * <p>{@link #append} completes once the server has acknowledged the edit: the heads the server
 * announces (which it only does once they are stored) contain it. All state lives on the socket's
 * context; the natives are freed by {@link #close}.
 */
public final class SyncPeer implements AutoCloseable {
  private final String peerId;
  private final String documentId;
  private final WebSocket socket;
  private final Context context;
  private final Document document = new Document();
  private final SyncState state = new SyncState();
  private final Promise<Void> loaded = Promise.promise();
  private final Promise<Short> closed = Promise.promise();
  private final List<Waiter> waiters = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private ChangeHash[] serverHeads = new ChangeHash[0];
  private int presenceReceived;
  private boolean freed;

  private record Waiter(String token, Promise<Void> acknowledged) {}

  private SyncPeer(String peerId, String documentId, WebSocket socket, Context context) {
    this.peerId = peerId;
    this.documentId = documentId;
    this.socket = socket;
    this.context = context;
  }

  /**
   * Connects with {@code token}, joins as {@code peerId} and completes once the document is loaded.
   */
  public static Future<SyncPeer> connect(
      WebSocketClient client, int port, String token, String documentId, String peerId) {
    return client
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/sync?token=" + token)
                .setAllowOriginHeader(false))
        .compose(
            socket -> {
              SyncPeer peer =
                  new SyncPeer(peerId, documentId, socket, io.vertx.core.Vertx.currentContext());
              peer.start();
              return peer.loaded.future().map(peer);
            });
  }

  private void start() {
    socket.binaryMessageHandler(frame -> onMessage(MessageCodec.decode(frame.getBytes())));
    socket.closeHandler(
        v -> {
          closed.tryComplete(socket.closeStatusCode());
          Throwable gone =
              new IllegalStateException(
                  "socket of "
                      + peerId
                      + " closed: "
                      + socket.closeStatusCode()
                      + " "
                      + socket.closeReason()
                      + "; errors "
                      + errors);
          loaded.tryFail(gone);
          waiters.forEach(w -> w.acknowledged().tryFail(gone));
          waiters.clear();
        });
    send(new Join(peerId, new PeerMetadata(null, true), List.of("1")));
  }

  private void onMessage(ProtocolMessage message) {
    if (freed) {
      return;
    }
    switch (message.type()) {
      case ProtocolMessage.PEER ->
          send(
              new Request(
                  peerId,
                  message.senderId(),
                  documentId,
                  document.generateSyncMessage(state).orElseThrow()));
      case ProtocolMessage.SYNC -> onSync(message.senderId(), ((Sync) message).data());
      case ProtocolMessage.ERROR -> errors.add(((ErrorMessage) message).message());
      case ProtocolMessage.EPHEMERAL -> presenceReceived++;
      case ProtocolMessage.DOC_UNAVAILABLE ->
          loaded.tryFail(new IllegalStateException(documentId + " unavailable"));
      default -> {}
    }
  }

  private void onSync(String serverPeerId, byte[] data) {
    document.receiveSyncMessage(state, data);
    List<ChangeHash> heads = new ArrayList<>();
    SyncMessageInspector.inspect(data).heads().forEach(head -> heads.add(ChangeHashes.of(head)));
    serverHeads = heads.toArray(ChangeHash[]::new);
    if (body().isPresent()) {
      loaded.tryComplete();
    }
    document
        .generateSyncMessage(state)
        .ifPresent(reply -> send(new Sync(peerId, serverPeerId, documentId, reply)));
    checkAcknowledged();
  }

  /** Resolves waiters whose token is in the text at the heads the server announced. */
  private void checkAcknowledged() {
    Optional<String> stored = textAt(serverHeads);
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (stored.isPresent() && stored.get().contains(waiter.token())) {
        waiter.acknowledged().tryComplete();
        it.remove();
      }
    }
  }

  private Optional<String> textAt(ChangeHash[] heads) {
    try {
      return body().flatMap(id -> document.text(id, heads));
    } catch (RuntimeException notAllHeadsKnownYet) {
      return Optional.empty();
    }
  }

  private Optional<ObjectId> body() {
    return document
        .get(ObjectId.ROOT, "body")
        .filter(AmValue.Text.class::isInstance)
        .map(value -> ((AmValue.Text) value).getId());
  }

  /**
   * Appends {@code token} (which must be unique in the document) to the body and completes once the
   * server acknowledged it.
   */
  public Future<Void> append(String token) {
    Promise<Void> acknowledged = Promise.promise();
    context.runOnContext(
        v -> {
          ObjectId body = body().orElseThrow();
          try (Transaction tx = document.startTransaction()) {
            tx.spliceText(body, document.length(body), 0, token);
            tx.commit();
          }
          waiters.add(new Waiter(token, acknowledged));
          document
              .generateSyncMessage(state)
              .ifPresent(m -> send(new Sync(peerId, null, documentId, m)));
        });
    return acknowledged.future();
  }

  /** The body as this peer sees it. */
  public Future<String> text() {
    Promise<String> text = Promise.promise();
    context.runOnContext(v -> text.complete(body().flatMap(document::text).orElse("")));
    return text.future();
  }

  /** Protocol error messages received so far. */
  public Future<List<String>> errors() {
    Promise<List<String>> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(List.copyOf(errors)));
    return copy.future();
  }

  /** How many presence (ephemeral) messages the server forwarded to this peer so far. */
  public Future<Integer> presenceReceived() {
    Promise<Integer> count = Promise.promise();
    context.runOnContext(v -> count.complete(presenceReceived));
    return count.future();
  }

  /** Completes with the close code when the socket closes. */
  public Future<Short> closed() {
    return closed.future();
  }

  private void send(ProtocolMessage message) {
    socket.writeBinaryMessage(Buffer.buffer(MessageCodec.encode(message)));
  }

  /** Closes the socket and frees the natives (on the socket's context). */
  @Override
  public void close() {
    context.runOnContext(
        v -> {
          if (!freed) {
            freed = true;
            socket.close();
            state.free();
            document.free();
          }
        });
  }
}
