package dev.minutes.sync;

import dev.minutes.store.StoreException;
import dev.minutes.sync.codec.DocUnavailable;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.ErrorMessage;
import dev.minutes.sync.codec.Ignored;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.Leave;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.Peer;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Request;
import dev.minutes.sync.codec.Sync;
import dev.minutes.sync.codec.SyncMessageInspector;
import dev.minutes.sync.codec.SyncMessageSummary;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket speaking the automerge-repo protocol. Decodes frames (size already bounded by the
 * server options), enforces the handshake and the connection's {@link AccessGrant}, and hands
 * document work to {@link DocumentSession}s. Everything here runs on the socket's event loop;
 * {@link #send} and {@link #refuse} may be called from any thread.
 */
public final class PeerConnection implements PeerSink {
  private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

  /**
   * Message types of automerge-repo's remote-heads gossip, which this server does not take part in.
   */
  private static final Set<String> GOSSIP_TYPES =
      Set.of("remote-subscription-change", "remote-heads-changed");

  /**
   * How Vert.x words a multi-frame message over {@code maxWebSocketMessageSize} (it has no
   * dedicated type).
   */
  private static final String MESSAGE_OVERFLOW = "overflow max message size";

  private final ServerWebSocket socket;
  private final HttpConnection connection;
  private final AccessGrant grant;
  private final SessionRegistry sessions;
  private final PeerDirectory directory;
  private final ServerIdentity server;
  private final SyncMetrics metrics;
  private final ConnectionLimits limits;
  private MessageRate rate;
  private final Map<String, Future<DocumentSession>> documents = new HashMap<>();
  private volatile String peerId;
  private volatile boolean closed;
  private boolean detached;

  /** The socket's event loop: the only thread that touches {@link #documents}. */
  private Context context;

  /**
   * Event loop: when anything (a message, a pong) last arrived, and when the last ping left (0:
   * none yet).
   */
  private long lastHeardNanos;

  private long lastPingNanos;
  private long pingTimer = -1;

  public PeerConnection(
      ServerWebSocket socket,
      HttpConnection connection,
      AccessGrant grant,
      SessionRegistry sessions,
      PeerDirectory directory,
      ServerIdentity server,
      SyncMetrics metrics,
      ConnectionLimits limits) {
    this.socket = socket;
    this.connection = connection;
    this.grant = grant;
    this.sessions = sessions;
    this.directory = directory;
    this.server = server;
    this.metrics = metrics;
    this.limits = limits;
  }

  /** Wires the socket's handlers; {@code afterClose} runs once when the socket closes. */
  public void start(Runnable afterClose) {
    context = Vertx.currentContext();
    rate = new MessageRate(limits.messagesPerSecond(), System.nanoTime());
    socket.setWriteQueueMaxSize(limits.writeQueueBytes());
    socket.binaryMessageHandler(this::onBinary);
    socket.textMessageHandler(
        text ->
            refuseAndLog(
                new Refusal(
                    Refusal.Reason.TEXT_FRAME, "frames must be binary CBOR, got a text frame")));
    socket.exceptionHandler(this::onSocketFailure);
    socket.pongHandler(pong -> lastHeardNanos = System.nanoTime());
    lastHeardNanos = System.nanoTime();
    startPinging();
    socket.closeHandler(
        v -> {
          onClosed();
          afterClose.run();
        });
  }

  @Override
  public String peerId() {
    return peerId;
  }

  @Override
  public void sendSync(String documentId, byte[] data) {
    send(new Sync(server.peerId(), peerId, documentId, data));
  }

  @Override
  public void sendEphemeral(Ephemeral message) {
    send(message);
  }

  private void sendDocUnavailable(String documentId) {
    send(new DocUnavailable(server.peerId(), peerId, documentId));
  }

  private void send(ProtocolMessage message) {
    if (closed) {
      return;
    }
    try {
      if (socket.writeQueueFull()) {
        // A client that stops reading must not make the server buffer without bound.
        refuseAndLog(
            new Refusal(
                Refusal.Reason.SLOW_CONSUMER, "client is not reading; its write queue is full"));
        return;
      }
      socket.writeBinaryMessage(Buffer.buffer(MessageCodec.encode(message)));
    } catch (IllegalStateException socketClosed) {
      // The client closed the socket after `closed` was read: sessions call this from their own
      // context, while the close is handled on the socket's. writeQueueFull() then throws
      // ("WebSocket
      // is closed"); there is nothing left to deliver, and the close handler detaches this peer.
      log.debug("peer {}: not sending '{}', the socket is closed", describe(), message.type());
    }
  }

  @Override
  public void refuse(Refusal refusal) {
    if (closed) {
      return;
    }
    int code = refusal.reason().closeCode();
    if (refusal.reason() != Refusal.Reason.SLOW_CONSUMER) {
      socket.writeBinaryMessage(
          Buffer.buffer(
              MessageCodec.encode(
                  new ErrorMessage(server.peerId(), peerId, refusal.clientMessage()))));
    }
    if (code != 0) {
      closed = true;
      if (refusal.reason() == Refusal.Reason.SLOW_CONSUMER) {
        // A client that does not read would never answer the close handshake either, and its
        // queued bytes stay in memory until the TCP connection goes: drop it now.
        context.runOnContext(
            v -> {
              onClosed();
              connection.close();
            });
      } else {
        socket.close((short) code, truncate(refusal.reason().label()));
      }
    }
  }

  @Override
  public void restartSync(String documentId) {
    if (closed) {
      return;
    }
    log.info(
        "peer {}: changes to {} were dropped unstored; closing so that it syncs again from scratch",
        peerId,
        documentId);
    closed = true;
    // 1012 "service restart": the client's adapter reconnects as after any close.
    socket.close((short) 1012, "sync restarts");
  }

  /** Closes this socket because the same peer joined on another one (protocol rule R5). */
  void replacedByNewerSocket() {
    log.info("peer {} joined again on another socket; closing the older one", peerId);
    closed = true;
    socket.close((short) 1000, "replaced by a newer connection");
  }

  /**
   * Closes with "going away" so the client reconnects (to another node, through the load balancer).
   */
  public void goingAway() {
    closed = true;
    socket.close((short) 1001, "server shutting down");
  }

  private void onBinary(Buffer frame) {
    if (closed) {
      // Closing (refused, replaced by a newer socket, shutting down): nothing more is processed.
      return;
    }
    long now = System.nanoTime();
    lastHeardNanos = now;
    if (!rate.tryAcquire(now)) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.OVERLOADED,
              "more than "
                  + limits.messagesPerSecond()
                  + " messages per second; reconnect and slow down"));
      return;
    }
    ProtocolMessage message;
    try {
      message = MessageCodec.decode(frame.getBytes());
    } catch (MalformedMessageException e) {
      refuseAndLog(new Refusal(Refusal.Reason.MALFORMED_MESSAGE, e.getMessage()));
      return;
    }
    if (message instanceof Join join) {
      onJoin(join);
      return;
    }
    if (peerId == null) {
      refuseAndLog(
          new Refusal(Refusal.Reason.NOT_JOINED, "send join before '" + message.type() + "'"));
      return;
    }
    if (message instanceof Ephemeral && !peerId.equals(message.senderId())) {
      // Clients re-forward the presence messages they receive, keeping the original sender: the
      // server already has the original (directly or through the relay), so the echo is dropped.
      // Dropping rather than forwarding also means no client can speak for another peer.
      return;
    }
    if (!peerId.equals(message.senderId())) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.SENDER_MISMATCH,
              "senderId '" + message.senderId() + "' is not the peer joined on this socket"));
      return;
    }
    if (message instanceof Sync sync) {
      onSync(sync.documentId(), sync.data());
    } else if (message instanceof Request request) {
      onSync(request.documentId(), request.data());
    } else if (message instanceof Ephemeral ephemeral) {
      onEphemeral(ephemeral);
    } else if (message instanceof Leave) {
      socket.close((short) 1000, "leave");
    } else if (message instanceof DocUnavailable unavailable) {
      log.debug("peer {} lacks document {}", peerId, unavailable.documentId());
    } else if (message instanceof Ignored ignored && GOSSIP_TYPES.contains(ignored.type())) {
      // Remote-heads gossip is off on this server; automerge-repo ignores these without a reply
      // too.
      log.debug("peer {} sent ignored message type {}", peerId, ignored.type());
    } else if (message instanceof Ignored ignored) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.UNSUPPORTED_MESSAGE_TYPE,
              "unknown message type '" + ignored.type() + "'"));
    } else {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.UNSUPPORTED_MESSAGE_TYPE,
              "a client may not send '" + message.type() + "'"));
    }
  }

  /**
   * Vert.x reports oversized input only here: a frame over the frame limit arrives as Netty's
   * CorruptedWebSocketFrameException (Vert.x then drops the connection without a close frame), a
   * message whose frames add up to more than the message limit as an IllegalStateException (the
   * socket would stay open, the message silently dropped). Both are refused with close code 1009,
   * written before Vert.x closes the channel.
   */
  private void onSocketFailure(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      boolean tooBig =
          corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
      refuseAndLog(
          new Refusal(
              tooBig ? Refusal.Reason.MESSAGE_TOO_LARGE : Refusal.Reason.MALFORMED_MESSAGE,
              String.valueOf(corrupted.getMessage())));
    } else if (failure instanceof IllegalStateException
        && String.valueOf(failure.getMessage()).contains(MESSAGE_OVERFLOW)) {
      refuseAndLog(new Refusal(Refusal.Reason.MESSAGE_TOO_LARGE, failure.getMessage()));
    } else if (failure instanceof HttpClosedException) {
      // The connection went without a close frame: a tab closed or reloaded, a laptop put to sleep,
      // a network gone. Ordinary for browsers; the close handler lets the peer's documents go.
      log.debug("socket of peer {} ({}) closed without a close frame", describe(), grant.subject());
    } else {
      log.warn(
          "socket of peer {} ({}) failed: {}", describe(), grant.subject(), failure.getMessage());
    }
  }

  private void onJoin(Join join) {
    if (join.supportedProtocolVersions() != null
        && !join.supportedProtocolVersions().contains("1")) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.UNSUPPORTED_PROTOCOL_VERSION,
              "unsupported protocol version "
                  + join.supportedProtocolVersions()
                  + "; this server speaks 1"));
      return;
    }
    if (peerId != null && !peerId.equals(join.senderId())) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.SENDER_MISMATCH, "this socket already joined as another peer"));
      return;
    }
    peerId = join.senderId();
    PeerConnection older = directory.register(peerId, this);
    if (older != null && older != this) {
      older.replacedByNewerSocket();
    }
    log.info("peer {} joined ({})", peerId, grant.subject());
    socket.writeBinaryMessage(
        Buffer.buffer(
            MessageCodec.encode(
                new Peer(
                    server.peerId(), peerId, new PeerMetadata(server.storageId(), false), "1"))));
  }

  private void onSync(String documentId, byte[] data) {
    byte[] changes;
    SyncMessageSummary summary;
    try {
      changes = SyncMessageInspector.changeChunks(data);
      summary = SyncMessageInspector.inspect(data);
    } catch (MalformedMessageException e) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.SYNC_REJECTED,
              "sync data for " + documentId + " is malformed: " + e.getMessage()));
      return;
    }
    session(documentId).onSuccess(session -> session.receive(peerId, data, changes, summary));
  }

  private void onEphemeral(Ephemeral ephemeral) {
    session(ephemeral.documentId()).onSuccess(session -> session.ephemeral(ephemeral, false));
  }

  /**
   * The session of a document this connection syncs, attaching on first use; messages keep their
   * order.
   */
  private Future<DocumentSession> session(String documentId) {
    Future<DocumentSession> existing = documents.get(documentId);
    if (existing != null) {
      return existing;
    }
    if (documents.size() >= limits.maxDocuments()) {
      refuseAndLog(
          new Refusal(
              Refusal.Reason.TOO_MANY_DOCUMENTS,
              "at most " + limits.maxDocuments() + " documents per connection"));
      return Future.failedFuture("too many documents");
    }
    Future<DocumentSession> attached =
        grant
            .scope()
            .includes(documentId)
            .compose(
                included ->
                    included
                        ? sessions.attach(documentId, this, grant.mayWrite())
                        : Future.failedFuture(new OutOfScope()));
    documents.put(documentId, attached);
    attached.onFailure(
        failure -> {
          documents.remove(documentId, attached);
          if (failure instanceof OutOfScope) {
            // Do not reveal whether the document exists: the token simply does not open it.
            metrics.refused(Refusal.Reason.UNKNOWN_DOCUMENT);
            log.warn(
                "refused peer {} ({}): document {} is not one its token opens",
                peerId,
                grant.subject(),
                documentId);
            sendDocUnavailable(documentId);
          } else if (failure instanceof StoreException e
              && e.reason() == StoreException.Reason.UNKNOWN_DOCUMENT) {
            metrics.refused(Refusal.Reason.UNKNOWN_DOCUMENT);
            log.warn("peer {} asked for unknown document {}", peerId, documentId);
            sendDocUnavailable(documentId);
          } else {
            log.error("peer {}: cannot open document {}", peerId, documentId, failure);
            refuse(Refusal.cannotOpen(documentId));
          }
        });
    return attached;
  }

  private void onClosed() {
    if (detached) {
      return;
    }
    detached = true;
    closed = true;
    stopPinging();
    if (peerId != null) {
      directory.unregister(peerId, this);
    }
    for (Future<DocumentSession> session : documents.values()) {
      session.onSuccess(s -> s.detach(this));
    }
    documents.clear();
    log.debug("peer {} disconnected", describe());
  }

  private void startPinging() {
    long interval = limits.pingInterval().toMillis();
    if (interval > 0) {
      pingTimer = context.owner().setPeriodic(interval, id -> ping());
    }
  }

  private void stopPinging() {
    if (pingTimer >= 0) {
      context.owner().cancelTimer(pingTimer);
      pingTimer = -1;
    }
  }

  /**
   * Event loop, once per ping interval. A socket from which nothing arrived, not even the pong
   * every WebSocket client sends by itself, for a whole interval after a ping is dead (a half-open
   * TCP connection, a laptop gone to sleep): without this its document links, sync states and
   * loaded documents would stay until the kernel gave up on it, hours later. A live client
   * reconnects.
   */
  private void ping() {
    if (closed) {
      stopPinging();
      return;
    }
    if (lastPingNanos != 0 && lastHeardNanos - lastPingNanos < 0) {
      stopPinging(); // the close handshake of a dead peer may outlast an interval: close it once
      metrics.silentSocketClosed();
      log.info(
          "peer {} ({}): no answer to a ping within {} ms; closing the socket",
          describe(),
          grant.subject(),
          limits.pingInterval().toMillis());
      socket.close((short) WebSocketCloseStatus.ENDPOINT_UNAVAILABLE.code(), "no answer to ping");
      return;
    }
    lastPingNanos = System.nanoTime();
    socket.writePing(Buffer.buffer());
  }

  private void refuseAndLog(Refusal refusal) {
    metrics.refused(refusal.reason());
    log.warn("refused peer {} ({}): {}", describe(), grant.subject(), refusal.clientMessage());
    refuse(refusal);
  }

  private String describe() {
    return peerId != null ? peerId : "(not joined) " + socket.remoteAddress();
  }

  /** A document the connection's token does not open. */
  private static final class OutOfScope extends RuntimeException {
    OutOfScope() {
      super("not in the token's scope", null, false, false);
    }
  }

  private static String truncate(String reason) {
    return reason.length() > 120 ? reason.substring(0, 120) : reason;
  }
}
