package dev.minutes.loadtool;

import dev.minutes.sync.codec.DocUnavailable;
import dev.minutes.sync.codec.ErrorMessage;
import dev.minutes.sync.codec.Join;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.Peer;
import dev.minutes.sync.codec.PeerMetadata;
import dev.minutes.sync.codec.ProtocolMessage;
import dev.minutes.sync.codec.Request;
import dev.minutes.sync.codec.Sync;
import dev.minutes.sync.codec.SyncMessageParts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.VertxInternal;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.ChangeHashes;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.SyncState;
import org.automerge.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated author: a real protocol client with its own Automerge replica and sync state,
 * typing one character per change into {@code body} at random positions. A watcher ({@link
 * #WATCHER} as its author number) is the same client that never types: someone following the
 * meeting through a viewer link.
 *
 * <p>Everything of a typist runs on its own Vert.x context (one event loop), including the
 * Automerge calls: a client simulator has nothing else to keep responsive there, and hopping to a
 * worker thread per message would cost the load tool more CPU than the work itself.
 */
final class Typist {
  private static final Logger log = LoggerFactory.getLogger(Typist.class);

  /** The author number of a client that only watches. */
  static final int WATCHER = -1;

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final WebSocketConnectOptions target;
  private final String documentId;
  private final MeetingLedger ledger;
  private final int author;
  private final WireCounters wire;
  private final String peerId;
  private final SplittableRandom random;
  private final LongSamples latencies = new LongSamples();
  private final int[] known;

  private Document document;
  private SyncState state;

  /**
   * Set once this typist and the server hold the same heads (unless {@code fullSync}); null while
   * Automerge syncs.
   */
  private LeanSync lean;

  private final boolean fullSync;

  /** The heads of the server's latest sync message, and whether any offered version 2 messages. */
  private List<byte[]> serverHeads;

  private byte[] serverBloom = new byte[0];
  private boolean serverOfferedVersion2;
  private ObjectId body;
  private WebSocket socket;
  private String serverPeerId;
  private boolean hasDocument;
  private boolean stopping;
  private int seq;
  private boolean replyScheduled;
  private volatile int measuredKeystrokes;
  private long typingTimer = -1;
  private volatile boolean measuring;

  /** When the first sync message from the server arrived (System.nanoTime), or -1. */
  private volatile long firstSyncAt = -1;

  private final Promise<Void> holdsBody = Promise.promise();
  private Runnable afterReceive = () -> {};

  Typist(
      Vertx vertx,
      WebSocketClient client,
      WebSocketConnectOptions target,
      String documentId,
      MeetingLedger ledger,
      int author,
      WireCounters wire,
      long seed,
      boolean fullSync) {
    this.fullSync = fullSync;
    this.vertx = vertx;
    // A context of its own, on the next of the tool's event loops: getOrCreateContext() called from
    // an event
    // loop (typists are made in callbacks) would put every typist of a run on that one loop, i.e.
    // one core.
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.client = client;
    this.target = target;
    this.documentId = documentId;
    this.ledger = ledger;
    this.author = author;
    this.wire = wire;
    this.random = new SplittableRandom(seed);
    this.peerId = "load-" + Long.toHexString(random.nextLong());
    this.known = new int[ledger == null ? 0 : ledger.size()];
  }

  /**
   * Connects and syncs; completes once this client holds {@code body}. With {@code initialBody}
   * this client creates the document itself (servers without a meetings API learn documents this
   * way).
   */
  Future<Void> start(Optional<String> initialBody) {
    Promise<Void> connected = Promise.promise();
    context.runOnContext(
        v -> {
          document = new Document();
          state = new SyncState();
          initialBody.ifPresent(
              text -> {
                try (Transaction tx = document.startTransaction()) {
                  ObjectId id = tx.set(ObjectId.ROOT, "body", org.automerge.ObjectType.TEXT);
                  tx.spliceText(id, 0, 0, text);
                  tx.commit();
                }
                hasDocument = true;
                findBody();
              });
          client
              .connect(target)
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      wire.socketErrors.increment();
                      connected.fail(ar.cause());
                      return;
                    }
                    socket = ar.result();
                    socket.binaryMessageHandler(this::onFrame);
                    socket.closeHandler(
                        x -> {
                          if (!stopping) {
                            wire.socketErrors.increment();
                            log.warn(
                                "typist {} lost its socket: {} {}",
                                peerId,
                                socket.closeStatusCode(),
                                socket.closeReason());
                          }
                        });
                    send(new Join(peerId, new PeerMetadata(null, false), List.of("1")));
                    connected.complete();
                  });
        });
    return connected.future().compose(v -> holdsBody.future());
  }

  /**
   * Starts typing {@code rate} keystrokes per second, after a random phase so typists do not beat
   * together.
   */
  void startTyping(double rate) {
    long period = Math.max(1, Math.round(1000.0 / rate));
    context.runOnContext(
        v -> {
          long phase = 1 + random.nextLong(period);
          vertx.setTimer(
              phase,
              t -> {
                if (!stopping) {
                  typingTimer = vertx.setPeriodic(period, tick -> keystroke());
                }
              });
        });
  }

  void measure(boolean on) {
    measuring = on;
  }

  Future<Void> stopTyping() {
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        v -> {
          if (typingTimer >= 0) {
            vertx.cancelTimer(typingTimer);
            typingTimer = -1;
          }
          stopped.complete();
        });
    return stopped.future();
  }

  /** Types {@code count} changes locally without sending them (to build a large document fast). */
  Future<Void> typeOffline(int count) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(
        v -> {
          for (int i = 0; i < count; i++) {
            commitKeystroke();
          }
          done.complete();
        });
    return done.future();
  }

  /** Sends whatever the sync protocol has for the server now. */
  void flush() {
    context.runOnContext(v -> sendSync());
  }

  /** Runs {@code check} on this typist's context after every received message (and once now). */
  void afterEachReceive(Runnable check) {
    context.runOnContext(
        v -> {
          afterReceive = check;
          check.run();
        });
  }

  /**
   * How many of every author's keystrokes this client holds (its own included). Read on its
   * context.
   */
  Future<int[]> knownSeqs() {
    Promise<int[]> copy = Promise.promise();
    context.runOnContext(v -> copy.complete(known.clone()));
    return copy.future();
  }

  /** This client's heads as sorted hex, read on its context. */
  Future<String> heads() {
    Promise<String> heads = Promise.promise();
    context.runOnContext(v -> heads.complete(document == null ? "" : hex(document.getHeads())));
    return heads.future();
  }

  /**
   * Completes once this client's heads are exactly {@code expected} (sorted hex, as {@link #hex}).
   */
  Future<Void> awaitHeads(String expected) {
    Promise<Void> reached = Promise.promise();
    afterEachReceive(
        () -> {
          if (document != null && hex(document.getHeads()).equals(expected)) {
            reached.tryComplete();
          }
        });
    return reached.future();
  }

  /**
   * Completes once the server has acknowledged everything this client holds (Automerge's view of
   * the sync state).
   */
  Future<Void> awaitInSync() {
    Promise<Void> synced = Promise.promise();
    afterEachReceive(
        () -> {
          if (state.isInSync(document)) {
            synced.tryComplete();
          }
        });
    return synced.future();
  }

  String headsOnContext() {
    return hex(document.getHeads());
  }

  /** When the server's first sync message arrived (System.nanoTime), or -1 if none has. */
  long firstSyncNanos() {
    return firstSyncAt;
  }

  int measuredKeystrokes() {
    return measuredKeystrokes;
  }

  Context context() {
    return context;
  }

  LongSamples latencies() {
    return latencies;
  }

  String documentId() {
    return documentId;
  }

  Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(
        v -> {
          stopping = true;
          if (typingTimer >= 0) {
            vertx.cancelTimer(typingTimer);
          }
          Future<Void> socketClosed = socket == null ? Future.succeededFuture() : socket.close();
          socketClosed.onComplete(
              ar -> {
                if (document != null) {
                  state.free();
                  document.free();
                  document = null;
                }
                closed.complete();
              });
        });
    return closed.future();
  }

  // ---- on the context ----

  private void keystroke() {
    if (body == null || stopping) {
      return;
    }
    if (lean == null && !fullSync) {
      lean =
          LeanSync.startIfInStep(document, serverHeads, serverOfferedVersion2, serverBloom)
              .orElse(null);
    }
    commitKeystroke();
    sendSync();
  }

  /** Returns whether a change was made. */
  private boolean commitKeystroke() {
    boolean measured = measuring;
    long sentAt = System.nanoTime();
    long length = document.length(body);
    long position = length == 0 ? 0 : random.nextLong(length + 1);
    String character = String.valueOf((char) ('a' + random.nextInt(26)));
    Optional<ChangeHash> hash =
        lean == null
            ? Optional.empty()
            : lean.type(body, position, character).map(change -> ChangeHashes.of(change.hash()));
    if (hash.isEmpty()) {
      hash = commitThroughAutomerge(position, character);
    } else {
      wire.writtenKeystrokes.increment();
    }
    if (hash.isEmpty()) {
      return false;
    }
    if (ledger == null) {
      return true;
    }
    seq++;
    if (measured) {
      measuredKeystrokes++;
    }
    known[author] = seq;
    ledger.register(author, seq, measured ? sentAt : -1, hash.get(), known.clone());
    return true;
  }

  private Optional<ChangeHash> commitThroughAutomerge(long position, String character) {
    ChangeHash[] before = lean == null ? null : document.getHeads();
    Optional<ChangeHash> hash;
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, position, 0, character);
      hash = tx.commit();
    }
    if (hash.isPresent() && lean != null) {
      lean.committed(before);
    }
    return hash;
  }

  private void onFrame(Buffer frame) {
    wire.framesReceived.increment();
    wire.bytesReceived.add(frame.length());
    ProtocolMessage message = MessageCodec.decode(frame.getBytes());
    if (message instanceof Peer peer) {
      serverPeerId = peer.senderId();
      sendSync();
    } else if (message instanceof Sync sync) {
      if (firstSyncAt < 0) {
        firstSyncAt = System.nanoTime();
      }
      receive(sync.data());
      hasDocument = true;
      noteArrivals(System.nanoTime());
      if (body == null) {
        findBody();
      }
      if (author == WATCHER && lean == null && !fullSync && body != null) {
        // A typist starts its lean sync at its next keystroke; a watcher has none, so it starts as
        // soon as it is in step (otherwise every message would walk the history in Automerge's
        // sync).
        lean =
            LeanSync.startIfInStep(document, serverHeads, serverOfferedVersion2, serverBloom)
                .orElse(null);
      }
      replySoon();
      afterReceive.run();
    } else if (message instanceof ErrorMessage error) {
      wire.refusals.increment();
      log.warn("typist {} refused: {}", peerId, error.message());
    } else if (message instanceof DocUnavailable) {
      wire.unavailable.increment();
      holdsBody.tryFail("server says document " + documentId + " is unavailable");
    }
  }

  private void receive(byte[] data) {
    SyncMessageParts parts = noteServerMessage(data);
    if (lean != null) {
      Optional<String> unhandled =
          parts == null ? Optional.of("a message this codec cannot read") : lean.receive(parts);
      if (unhandled.isEmpty()) {
        return;
      }
      // Something the lean sync does not handle: Automerge's sync takes over from scratch.
      log.debug("typist {} back on Automerge's sync: {}", peerId, unhandled.get());
      wire.leanFallbacks.increment();
      lean = null;
      state.free();
      state = new SyncState();
    }
    document.receiveSyncMessage(state, data);
  }

  /**
   * Reads the message once, noting what a lean sync started later needs; null if this codec cannot
   * read it.
   */
  private SyncMessageParts noteServerMessage(byte[] data) {
    try {
      SyncMessageParts parts = SyncMessageParts.read(data);
      serverHeads = parts.heads();
      serverBloom = parts.firstBloom();
      serverOfferedVersion2 |= parts.offersVersion2();
      return parts;
    } catch (MalformedMessageException e) {
      serverHeads = null; // Automerge's sync will say what is wrong with it
      return null;
    }
  }

  /**
   * A receiver holds every keystroke that the clocks of its heads cover: record when each first
   * arrived.
   */
  private void noteArrivals(long now) {
    if (ledger == null) {
      return;
    }
    for (ChangeHash head : document.getHeads()) {
      int[] clock = ledger.clockOf(head);
      if (clock == null) {
        continue;
      }
      for (int other = 0; other < clock.length; other++) {
        int upTo = clock[other];
        if (upTo <= known[other]) {
          continue;
        }
        if (other != author) {
          for (int s = known[other] + 1; s <= upTo; s++) {
            long sentAt = ledger.sentAt(other, s);
            if (sentAt >= 0) {
              latencies.add(now - sentAt);
            }
          }
        }
        known[other] = upTo;
      }
    }
  }

  private void findBody() {
    Optional<AmValue> value = document.get(ObjectId.ROOT, "body");
    if (value.isPresent() && value.get() instanceof AmValue.Text text) {
      body = text.getId();
      holdsBody.tryComplete();
    }
  }

  /**
   * Answers after the messages already queued on this event loop are read, as a browser's event
   * loop would: a burst of server messages gets one reply, not one per message.
   */
  private void replySoon() {
    if (!replyScheduled) {
      replyScheduled = true;
      context.runOnContext(
          v -> {
            replyScheduled = false;
            sendSync();
          });
    }
  }

  private void sendSync() {
    if (document == null || serverPeerId == null || socket == null || stopping) {
      return;
    }
    Optional<byte[]> message =
        lean != null ? lean.nextMessage() : document.generateSyncMessage(state);
    if (message.isEmpty()) {
      return;
    }
    if (lean != null) {
      wire.leanMessages.increment();
    }
    send(
        hasDocument
            ? new Sync(peerId, serverPeerId, documentId, message.get())
            : new Request(peerId, serverPeerId, documentId, message.get()));
  }

  private void send(ProtocolMessage message) {
    byte[] frame = MessageCodec.encode(message);
    wire.framesSent.increment();
    wire.bytesSent.add(frame.length);
    socket.writeBinaryMessage(Buffer.buffer(frame));
  }

  static String hex(ChangeHash[] heads) {
    StringBuilder out = new StringBuilder();
    ChangeHash[] sorted = heads.clone();
    Arrays.sort(sorted, (a, b) -> Arrays.compare(a.getBytes(), b.getBytes()));
    for (ChangeHash head : sorted) {
      if (out.length() > 0) {
        out.append(',');
      }
      for (byte b : head.getBytes()) {
        out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
    }
    return out.toString();
  }
}
