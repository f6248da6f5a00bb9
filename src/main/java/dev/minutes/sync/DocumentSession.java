package dev.minutes.sync;

import dev.minutes.metrics.SyncMetrics;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.LogSlice;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.codec.Ephemeral;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.SyncState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open document on this node: owns its Automerge {@link Document} and one {@link SyncState} per
 * peer, and runs every Automerge call on its {@link SerialLane}, off the event loop.
 *
 * <p>Invariants (the class' whole point):
 * <ol>
 *   <li><b>Acknowledged means durable.</b> Work proceeds in cycles: apply a batch of incoming sync
 *       messages, append the change chunks those messages carried to the store (exactly as sent,
 *       one append per cycle), and only then generate outgoing messages. No message is generated
 *       while the document holds a change that is not stored, so no peer ever sees heads that
 *       contain an unstored change. Storing what clients sent, rather than diffing heads, also
 *       covers changes Automerge holds back until their dependencies arrive.</li>
 *   <li>At the start of each cycle every change in the document is stored; {@code mergedSeq} is the
 *       highest log sequence number such that every entry up to it is in the document.</li>
 *   <li>All fields are touched only on {@link #context}; native objects only inside lane tasks.</li>
 *   <li>A refused change (viewer, closed meeting, bytes Automerge rejects) is never stored and never
 *       advertised; if it had already reached memory, the document is reloaded from the store.</li>
 * </ol>
 */
public final class DocumentSession {
  private static final Logger log = LoggerFactory.getLogger(DocumentSession.class);
  private static final int MAX_INBOX = 10_000;

  private final String documentId;
  private final Vertx vertx;
  private final Context context;
  private final SerialLane lane;
  private final DocumentStore store;
  private final AutomergeObjects natives;
  private final SessionSettings settings;
  private final Consumer<DocumentSession> onUnload;
  private final SyncMetrics metrics;
  private final EphemeralRelay relay;

  /** Owner: this session. Lane-confined; freed by {@link #unload} or a reload. */
  private Document document;

  private final Map<String, PeerLink> peers = new LinkedHashMap<>();
  private final Map<String, Long> ephemeralCounts = new HashMap<>();
  private final ArrayDeque<Incoming> inbox = new ArrayDeque<>();
  private long mergedSeq;
  private long compactedSeq;
  private boolean cycleRunning;
  /**
   * True while the document is being replaced by the stored one (after a refused or failed cycle).
   * Until then the in-memory document may hold changes that were never stored: no cycle, no
   * compaction and no outgoing message may use it.
   */
  private boolean reloading;
  private boolean catchUpWanted;
  private boolean compacting;
  private boolean closed;
  private boolean unloaded;
  private long idleTimer = -1;

  private DocumentSession(String documentId, Vertx vertx, Context context, SerialLane lane, DocumentStore store,
      AutomergeObjects natives, SessionSettings settings, SyncMetrics metrics, EphemeralRelay relay,
      Consumer<DocumentSession> onUnload) {
    this.relay = relay;
    this.documentId = documentId;
    this.vertx = vertx;
    this.context = context;
    this.lane = lane;
    this.store = store;
    this.natives = natives;
    this.settings = settings;
    this.metrics = metrics;
    this.onUnload = onUnload;
  }

  /**
   * Loads a stored document into a new session. Fails with {@link StoreException} reason
   * UNKNOWN_DOCUMENT when the store does not have it.
   */
  static Future<DocumentSession> load(String documentId, Vertx vertx, DocumentStore store, SessionPool pool,
      AutomergeObjects natives, SessionSettings settings, SyncMetrics metrics, EphemeralRelay relay,
      Consumer<DocumentSession> onUnload) {
    Context context = vertx.getOrCreateContext();
    SerialLane lane = new SerialLane(pool.executor(), context);
    DocumentSession session =
        new DocumentSession(documentId, vertx, context, lane, store, natives, settings, metrics, relay, onUnload);
    return store.load(documentId)
        .compose(stored -> stored.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(
            new StoreException(StoreException.Reason.UNKNOWN_DOCUMENT, "no document " + documentId))))
        .compose(stored -> Future.all(store.writesClosed(documentId), lane.submit(() -> session.loadNative(stored)))
            .map(all -> {
              session.closed = all.resultAt(0);
              session.mergedSeq = stored.lastSeq();
              session.compactedSeq = stored.lastSeq() - stored.changes().size();
              return session;
            }))
        .onSuccess(s -> log.debug("loaded document {} at seq {}", documentId, s.mergedSeq));
  }

  public String documentId() {
    return documentId;
  }

  // ---- calls from connections (any thread); each hops onto the session's context ----

  /** Adds a peer with a fresh sync state. Fails if the session already unloaded (the caller reopens). */
  public Future<DocumentSession> attach(PeerSink peer, boolean mayWrite) {
    Promise<DocumentSession> attached = Promise.promise();
    context.runOnContext(v -> {
      if (unloaded) {
        attached.fail(new SessionUnloaded(documentId));
        return;
      }
      cancelIdleTimer();
      PeerLink previous = peers.get(peer.peerId());
      PeerLink link = new PeerLink(peer, mayWrite);
      peers.put(peer.peerId(), link);
      peersChanged();
      lane.submit(() -> {
        if (previous != null) {
          natives.free(previous.state);
        }
        link.state = natives.newSyncState();
        return null;
      }).onComplete(ar -> attached.complete(this));
    });
    return attached.future();
  }

  /**
   * A sync or request message from a peer; {@code changes} are the change chunks it carries
   * (see {@code SyncMessageInspector.changeChunks}), empty when none.
   */
  public void receive(String peerId, byte[] data, byte[] changes) {
    boolean changesIncluded = changes.length > 0;
    context.runOnContext(v -> {
      PeerLink link = peers.get(peerId);
      if (link == null || unloaded) {
        return;
      }
      if (changesIncluded && !link.mayWrite) {
        refuse(link, new Refusal(Refusal.Reason.READ_ONLY, "this link may only read; change to " + documentId + " refused"));
        return;
      }
      if (changesIncluded && closed) {
        refuse(link, new Refusal(Refusal.Reason.MEETING_CLOSED, "the meeting is closed; change to " + documentId + " refused"));
        return;
      }
      if (inbox.size() >= MAX_INBOX) {
        refuse(link, new Refusal(Refusal.Reason.OVERLOADED, "document " + documentId + " is overloaded, try again"));
        return;
      }
      inbox.add(new Incoming(peerId, data, changes));
      metrics.syncIn(data.length);
      runCycle();
    });
  }

  /**
   * Removes the peer's link if it is still the one of this connection: when a peer joined again on
   * a newer socket, the older socket's close comes later and must leave the newer link alone.
   */
  public void detach(PeerSink peer) {
    context.runOnContext(v -> {
      PeerLink link = peers.get(peer.peerId());
      if (link == null || link.sink != peer) {
        return;
      }
      peers.remove(peer.peerId());
      peersChanged();
      lane.submit(() -> {
        natives.free(link.state);
        link.state = null;
        return null;
      });
      if (peers.isEmpty()) {
        scheduleIdleUnload();
      }
    });
  }

  /**
   * Forwards a presence message to every other peer, once: a count not above the highest seen for
   * its sender session is an echo (clients re-forward what they receive) and is dropped. Messages
   * from this node's peers also go to the other nodes; relayed ones ({@code fromOtherNode}) do not.
   */
  public void ephemeral(Ephemeral message, boolean fromOtherNode) {
    context.runOnContext(v -> {
      String key = message.senderId() + ":" + message.sessionId();
      Long highest = ephemeralCounts.get(key);
      if (highest != null && message.count() <= highest) {
        return;
      }
      ephemeralCounts.put(key, message.count());
      if (!fromOtherNode) {
        relay.publish(message);
      }
      for (PeerLink link : peers.values()) {
        if (!link.sink.peerId().equals(message.senderId())) {
          link.sink.sendEphemeral(message.withTargetId(link.sink.peerId()));
        }
      }
    });
  }

  /** Another writer (this node's meeting service or another node) stored entries up to {@code seq}. */
  public void storedElsewhere(long seq) {
    context.runOnContext(v -> {
      if (seq > mergedSeq && !unloaded) {
        catchUpWanted = true;
        runCycle();
      }
    });
  }

  /** The meeting closed: from now on every change is refused. */
  public void markClosed() {
    context.runOnContext(v -> {
      closed = true;
      catchUpWanted = true;
      runCycle();
    });
  }

  /** Frees everything now (node shutdown). */
  public Future<Void> shutdown() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> unload().onComplete(done));
    return done.future();
  }

  // ---- the cycle ----

  private void runCycle() {
    if (cycleRunning || reloading || unloaded || (inbox.isEmpty() && !catchUpWanted)) {
      return;
    }
    cycleRunning = true;
    List<Incoming> batch = new ArrayList<>(inbox);
    inbox.clear();
    boolean catchUp = catchUpWanted;
    catchUpWanted = false;
    Future<Optional<LogSlice>> slice = catchUp
        ? store.readSince(documentId, mergedSeq).map(Optional::of)
        : Future.succeededFuture(Optional.empty());
    slice
        .compose(s -> lane.submit(() -> apply(s, batch)))
        .compose(applied -> persist(applied).map(applied))
        .compose(applied -> applied.reloadNeeded
            ? Future.failedFuture(new IllegalStateException("a rejected sync message left unstored changes"))
            : lane.submit(this::generateAll))
        .onSuccess(this::deliver)
        .onFailure(failure -> recoverCycle(failure, batch, catchUp))
        .onComplete(ar -> {
          cycleRunning = false;
          maybeCompact();
          runCycle();
        });
  }

  /** Lane: merges stored entries from the log, then the peers' messages; returns what must be stored. */
  private Applied apply(Optional<LogSlice> slice, List<Incoming> batch) {
    if (document == null) {
      throw new SessionUnloaded(documentId);
    }
    slice.ifPresent(this::mergeStored);
    List<PeerError> errors = new ArrayList<>();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    boolean reloadNeeded = false;
    for (Incoming in : batch) {
      PeerLink link = peerOnLane(in.peerId);
      if (link == null || link.state == null) {
        continue;
      }
      ChangeHash[] before = in.changes.length > 0 ? document.getHeads() : null;
      try {
        document.receiveSyncMessage(link.state, in.data);
        pending.writeBytes(in.changes);
      } catch (RuntimeException e) {
        // The binding's AutomergeException is package-private: any RuntimeException here is bad client bytes.
        errors.add(new PeerError(in.peerId, new Refusal(Refusal.Reason.SYNC_REJECTED,
            "Automerge rejected the sync message for " + documentId + ": " + e.getMessage())));
        natives.free(link.state);
        link.state = natives.newSyncState();
        // Automerge parses a message fully before applying it, so a rejected one normally changes
        // nothing; if it did change the document, those changes are not stored: reload.
        reloadNeeded |= before != null && !Arrays.equals(before, document.getHeads());
      }
    }
    return new Applied(pending.size() == 0 ? null : pending.toByteArray(),
        slice.map(LogSlice::lastSeq).orElse(-1L), errors, reloadNeeded);
  }

  private void mergeStored(LogSlice slice) {
    slice.snapshot().ifPresent(document::applyEncodedChanges);
    for (byte[] change : slice.changes()) {
      document.applyEncodedChanges(change);
    }
  }

  /** Context: appends the batch's change chunks, retrying while Redis is away; never acknowledges before. */
  private Future<Void> persist(Applied applied) {
    if (applied.mergedSeq > mergedSeq) {
      mergedSeq = applied.mergedSeq;
    }
    applied.errors.forEach(error -> Optional.ofNullable(peers.get(error.peerId)).ifPresent(l -> refuse(l, error.refusal)));
    if (applied.pending == null) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    return appendWithRetry(applied.pending, 0).map(seq -> {
      metrics.storeLatency(System.nanoTime() - started);
      if (seq == mergedSeq + 1) {
        mergedSeq = seq;
      } else {
        catchUpWanted = true; // another node appended in between: read its entries (ours re-applies as a no-op)
      }
      return null;
    });
  }

  private Future<Long> appendWithRetry(byte[] changes, int attempt) {
    return store.append(documentId, changes).recover(failure -> {
      if (failure instanceof StoreException e && e.reason() == StoreException.Reason.UNAVAILABLE && !unloaded) {
        Duration wait = Duration.ofMillis(Math.min(5_000, 50L << Math.min(attempt, 7)));
        log.warn("document {}: store unavailable, retrying append in {} ms (attempt {}): {}",
            documentId, wait.toMillis(), attempt + 1, e.getMessage());
        metrics.storeRetry();
        return vertx.timer(wait.toMillis()).compose(t -> appendWithRetry(changes, attempt + 1));
      }
      return Future.failedFuture(failure);
    });
  }

  /** Lane: the next message for every peer, if Automerge has one. */
  private List<Outgoing> generateAll() {
    List<Outgoing> out = new ArrayList<>();
    if (document == null) {
      return out; // unloaded meanwhile (shutdown): nothing to send
    }
    for (PeerLink link : lanePeers()) {
      if (link.state != null) {
        document.generateSyncMessage(link.state).ifPresent(bytes -> out.add(new Outgoing(link, bytes)));
      }
    }
    return out;
  }

  private void deliver(List<Outgoing> out) {
    for (Outgoing o : out) {
      if (peers.get(o.link.sink.peerId()) == o.link) {
        metrics.syncOut(o.data.length);
        try {
          o.link.sink.sendSync(documentId, o.data);
        } catch (RuntimeException e) {
          // One peer's broken socket must not keep the others from their messages: their sync
          // states already count this message as sent, and a skipped one would stall them.
          log.warn("document {}: cannot deliver to peer {}", documentId, o.link.sink.peerId(), e);
        }
      }
    }
  }

  private void recoverCycle(Throwable failure, List<Incoming> batch, boolean catchUp) {
    if (unloaded) {
      return; // shutdown raced the cycle; the document is gone and so are its peers
    }
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.WRITES_CLOSED) {
      closed = true;
      log.warn("document {}: meeting closed while changes were in flight; refusing them and reloading", documentId);
      for (Incoming in : batch) {
        PeerLink link = peers.get(in.peerId);
        if (in.changes.length > 0 && link != null) {
          refuse(link, new Refusal(Refusal.Reason.MEETING_CLOSED, "the meeting is closed; change to " + documentId + " refused"));
        }
      }
      reloadFromStore();
      return;
    }
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.UNAVAILABLE && catchUp) {
      // Nothing was applied from this batch only if reading the log failed; retry it all shortly.
      log.warn("document {}: cannot read the log ({}), retrying", documentId, e.getMessage());
      inbox.addAll(batch);
      catchUpWanted = true;
      return;
    }
    log.error("document {}: sync cycle failed; reloading from the store", documentId, failure);
    reloadFromStore();
  }

  /** Drops the in-memory document (which may hold refused changes) and every sync state, then reloads. */
  private void reloadFromStore() {
    // Not cycleRunning: the failed cycle's own completion clears that flag right after this returns.
    reloading = true;
    store.load(documentId)
        .compose(stored -> lane.submit(() -> {
          natives.free(document);
          document = null;
          stored.ifPresent(this::loadNativeUnchecked);
          for (PeerLink link : lanePeers()) {
            natives.free(link.state);
            link.state = natives.newSyncState();
          }
          return stored.map(StoredDocument::lastSeq).orElse(0L);
        }))
        .onComplete(ar -> {
          if (ar.failed()) {
            // The document in memory may still hold unstored changes: never go on with it.
            log.error("document {}: reload failed; retrying in a second", documentId, ar.cause());
            vertx.setTimer(1_000, t -> {
              if (!unloaded) {
                reloadFromStore();
              }
            });
            return;
          }
          mergedSeq = ar.result();
          reloading = false;
          catchUpWanted = true;
          runCycle();
        });
  }

  private void maybeCompact() {
    if (compacting || reloading || unloaded || catchUpWanted || mergedSeq - compactedSeq < settings.compactAfter()) {
      return;
    }
    compacting = true;
    long upTo = mergedSeq;
    lane.submit(() -> document.save())
        .compose(snapshot -> store.compact(documentId, snapshot, upTo))
        .onComplete(ar -> {
          compacting = false;
          if (ar.succeeded()) {
            compactedSeq = upTo;
            log.debug("document {}: compacted up to seq {}", documentId, upTo);
          } else {
            log.warn("document {}: compaction failed, will retry later: {}", documentId, ar.cause().getMessage());
          }
        });
  }

  // ---- idle unload ----

  private void scheduleIdleUnload() {
    cancelIdleTimer();
    idleTimer = vertx.setTimer(settings.idle().toMillis(), id -> {
      idleTimer = -1;
      if (peers.isEmpty() && !cycleRunning && !reloading && inbox.isEmpty() && !compacting) {
        unload();
      } else if (peers.isEmpty()) {
        scheduleIdleUnload();
      }
    });
  }

  private void cancelIdleTimer() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private Future<Void> unload() {
    if (unloaded) {
      return Future.succeededFuture();
    }
    unloaded = true;
    cancelIdleTimer();
    onUnload.accept(this);
    List<PeerLink> remaining = new ArrayList<>(peers.values());
    peers.clear();
    peersChanged();
    return lane.submit(() -> {
      for (PeerLink link : remaining) {
        natives.free(link.state);
        link.state = null;
      }
      natives.free(document);
      document = null;
      return null;
    }).onSuccess(v -> log.debug("unloaded document {}", documentId)).mapEmpty();
  }

  // ---- helpers ----

  private Void loadNative(StoredDocument stored) {
    loadNativeUnchecked(stored);
    return null;
  }

  private void loadNativeUnchecked(StoredDocument stored) {
    document = natives.load(stored.snapshot());
    for (byte[] change : stored.changes()) {
      document.applyEncodedChanges(change);
    }
  }

  /**
   * Peer links are created on the context and read on the lane. Tasks are handed over through the
   * lane's queue, which orders the writes before the reads; the map itself is copied on the context.
   */
  private volatile List<PeerLink> peersSnapshot = List.of();

  private void peersChanged() {
    peersSnapshot = List.copyOf(peers.values());
  }

  private List<PeerLink> lanePeers() {
    return peersSnapshot;
  }

  private PeerLink peerOnLane(String peerId) {
    for (PeerLink link : peersSnapshot) {
      if (link.sink.peerId().equals(peerId)) {
        return link;
      }
    }
    return null;
  }

  private void refuse(PeerLink link, Refusal refusal) {
    metrics.refused(refusal.reason());
    log.warn("refused peer {} on document {}: {}", link.sink.peerId(), documentId, refusal.clientMessage());
    link.sink.refuse(refusal);
  }

  /** One peer of this document. {@code state} is lane-confined and owned by this session. */
  private static final class PeerLink {
    final PeerSink sink;
    final boolean mayWrite;
    volatile SyncState state;

    PeerLink(PeerSink sink, boolean mayWrite) {
      this.sink = sink;
      this.mayWrite = mayWrite;
    }
  }

  private record Incoming(String peerId, byte[] data, byte[] changes) {}

  private record Applied(byte[] pending, long mergedSeq, List<PeerError> errors, boolean reloadNeeded) {}

  private record PeerError(String peerId, Refusal refusal) {}

  private record Outgoing(PeerLink link, byte[] data) {}

  /** The session unloaded between lookup and attach; the caller opens a fresh one. */
  public static final class SessionUnloaded extends RuntimeException {
    SessionUnloaded(String documentId) {
      super("session of " + documentId + " unloaded", null, false, false);
    }
  }
}
