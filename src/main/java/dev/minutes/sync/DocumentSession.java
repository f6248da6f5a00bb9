package dev.minutes.sync;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.LogSlice;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.Synchronizer.Cycle;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.SyncMessageSummary;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.automerge.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open document on this node: its peers, its lifecycle and its sync cycles. Everything here
 * runs on the session's {@link Context}; connections on other event loops hand work to it through
 * the public methods and never touch its fields. The Automerge work is the {@link Synchronizer}'s,
 * on the document's {@link SerialLane}; the store's, the {@link DurableLog}'s; presence, the {@link
 * PresenceRelay}'s.
 *
 * <p>Invariants:
 *
 * <ol>
 *   <li><b>Acknowledged means durable.</b> Work proceeds in cycles: apply a batch of incoming sync
 *       messages on the lane, append the change chunks those messages carried to the store (exactly
 *       as sent, one append per cycle), and only then deliver outgoing messages. They are worked
 *       out on the lane right after applying, but none leaves before the store acknowledged the
 *       append, and a failed cycle drops them and reloads the document with fresh sync states, so
 *       no peer ever sees heads that contain an unstored change. Storing what clients sent, rather
 *       than diffing heads, also covers changes Automerge holds back until their dependencies
 *       arrive.
 *   <li>At the start of each cycle every change in the document is stored.
 *   <li>The lane alone touches Automerge objects; this class only hands it work and bytes.
 *   <li>A refused change (viewer, closed meeting, past the size limits, bytes Automerge rejects) is
 *       never stored and never advertised; if it had already reached memory, the document is
 *       reloaded from the store.
 * </ol>
 *
 * <p>A session is handed out as soon as the stored bytes are read, before Automerge has loaded
 * them: for a long history of many authors that takes many seconds, during which peers that hold
 * nothing are sent the stored bytes ({@link ColdStart}) and everything else waits (cycles, reads).
 */
public final class DocumentSession {
  private static final Logger log = LoggerFactory.getLogger(DocumentSession.class);
  private static final int MAX_INBOX = 10_000;

  /** While closed, the store's write gate is read at most once in this time. */
  private static final long GATE_READ_INTERVAL_MS = 1_000;

  /** Sender sessions whose presence counts a session remembers. */
  static final int PRESENCE_SENDERS_KEPT = PresenceRelay.SENDERS_KEPT;

  private final String documentId;
  private final Vertx vertx;
  private final Context context;
  private final SerialLane lane;
  private final DocumentStore store;
  private final SessionSettings settings;
  private final SyncMetrics metrics;
  private final Consumer<DocumentSession> onUnload;
  private final Synchronizer sync;
  private final PresenceRelay presence;
  private final long batchWindowMillis;
  private final DurableLog changeLog;
  private final DigestKeeper digests;

  private final Map<String, PeerLink> peers = new LinkedHashMap<>();
  private final ArrayDeque<Incoming> inbox = new ArrayDeque<>();

  /**
   * LOADING until Automerge holds the stored document; LOADED while the document in memory is the
   * stored one plus this cycle's work; RELOADING while it is being replaced by the stored one
   * (after a refused or failed cycle: until then it may hold changes that were never stored, so no
   * cycle, compaction or message may use it); UNLOADED for good.
   */
  private enum Phase {
    LOADING,
    LOADED,
    RELOADING,
    UNLOADED
  }

  private Phase phase = Phase.LOADING;

  /** Whether Automerge is still loading the stored document; read from any thread. */
  private volatile boolean loading = true;

  /** While loading: answers the peers that hold nothing from the stored bytes. */
  private ColdStart coldStart;

  /** Whether the meeting is closed (every change is refused), and the changes that wait to know. */
  private final WriteGate<Incoming> gate;

  /** What the next cycle must do besides applying the inbox. */
  private boolean cycleRunning;

  private boolean catchUpWanted;

  /** A steady peer's message was held back by the batch window: a cycle must send it. */
  private boolean flushWanted;

  private boolean flushScheduled;
  private long idleTimer = -1;

  /** Reads that wait for the running cycle to end (see {@link #read}); run on the context. */
  private final List<Runnable> readsWaiting = new ArrayList<>();

  private DocumentSession(
      String documentId,
      Vertx vertx,
      Context context,
      SerialLane lane,
      DocumentStore store,
      AutomergeObjects natives,
      SessionSettings settings,
      SyncMetrics metrics,
      EphemeralRelay relay,
      Consumer<DocumentSession> onUnload,
      DurableLog changeLog,
      DocumentDigest digest,
      boolean closed) {
    this.documentId = documentId;
    this.changeLog = changeLog;
    this.vertx = vertx;
    this.context = context;
    this.lane = lane;
    this.store = store;
    this.settings = settings;
    this.metrics = metrics;
    this.onUnload = onUnload;
    this.sync = new Synchronizer(documentId, natives, metrics, settings);
    this.presence = new PresenceRelay(settings.presencePerSecond(), relay, metrics);
    this.batchWindowMillis = Math.max(1, settings.batchWindow().toMillis());
    this.digests =
        new DigestKeeper(
            documentId,
            store,
            lane,
            sync,
            digest,
            context,
            settings.compactAfter(),
            changeLog.mergedSeq());
    this.gate =
        new WriteGate<>(
            documentId,
            vertx,
            context,
            () -> store.writesClosed(documentId),
            GATE_READ_INTERVAL_MS,
            MAX_INBOX,
            closed,
            new GateOutcome(),
            System::nanoTime);
  }

  /**
   * A new session of a stored document, handed out once the stored bytes are read; it loads them
   * into Automerge meanwhile. Fails with {@link StoreException} reason UNKNOWN_DOCUMENT when the
   * store does not have it.
   */
  static Future<DocumentSession> load(
      String documentId,
      Vertx vertx,
      DocumentStore store,
      SessionPool pool,
      AutomergeObjects natives,
      SessionSettings settings,
      SyncMetrics metrics,
      EphemeralRelay relay,
      DocumentDigest digest,
      Consumer<DocumentSession> onUnload) {
    Context context = vertx.getOrCreateContext();
    SerialLane lane = new SerialLane(pool.executor(), context);
    return store
        .loadExisting(documentId)
        .compose(
            stored -> {
              Future<Boolean> closed = store.writesClosed(documentId);
              // Hashes every log entry: a worker's job, a few milliseconds.
              Future<ColdStart> coldStart =
                  vertx.executeBlocking(() -> ColdStart.prepare(documentId, stored), false);
              return Future.all(closed, coldStart)
                  .map(
                      ready -> {
                        DurableLog changeLog =
                            new DurableLog(
                                documentId, vertx, store, metrics, settings.compactAfter(), stored);
                        DocumentSession session =
                            new DocumentSession(
                                documentId,
                                vertx,
                                context,
                                lane,
                                store,
                                natives,
                                settings,
                                metrics,
                                relay,
                                onUnload,
                                changeLog,
                                digest,
                                closed.result());
                        session.startLoading(stored, coldStart.result());
                        return session;
                      });
            });
  }

  /** Context: Automerge loads the stored document on the lane; the session goes on meanwhile. */
  private void startLoading(StoredDocument stored, ColdStart answers) {
    coldStart = answers;
    unloadIfNobodyJoins();
    lane.<Void>submit(
            () -> {
              sync.load(stored);
              return null;
            })
        .onComplete(this::onLoaded);
  }

  /** Context: the stored document is in Automerge (or could not be loaded). */
  private void onLoaded(AsyncResult<Void> result) {
    ColdStart answered = coldStart;
    coldStart = null;
    if (phase == Phase.UNLOADED) {
      // Shut down while loading: the lane frees the document right after.
      if (result.failed()) {
        log.warn("document {}: load failed during shutdown", documentId, result.cause());
      }
      return;
    }
    if (result.failed()) {
      log.error("document {}: cannot load the stored document", documentId, result.cause());
      Refusal refusal = Refusal.cannotOpen(documentId);
      peers.values().forEach(link -> refuse(link, refusal));
      unload(); // waiting reads fail: the caller reads the store
      return;
    }
    phase = Phase.LOADED;
    loading = false;
    log.debug("loaded document {} at seq {}", documentId, changeLog.mergedSeq());
    if (!answered.answered().isEmpty()) {
      lane.submit(
          () -> {
            sync.joinedFromStored(answered.answered(), answered.heads());
            return null;
          });
    }
    releaseWaitingReads();
    runCycle();
  }

  public String documentId() {
    return documentId;
  }

  /**
   * Whether the stored document is still being loaded: a read would wait for it (a reader that must
   * not wait can take the store's digest).
   */
  public boolean loading() {
    return loading;
  }

  // ---- calls from connections (any thread); each hops onto the session's context ----

  /**
   * Adds a peer with a fresh sync state. Fails if the session already unloaded (the caller
   * reopens).
   */
  public Future<DocumentSession> attach(PeerSink peer, boolean mayWrite) {
    Promise<DocumentSession> attached = Promise.promise();
    context.runOnContext(
        v -> {
          if (phase == Phase.UNLOADED) {
            attached.fail(new SessionUnloaded(documentId));
            return;
          }
          cancelIdleTimer();
          PeerLink previous = peers.get(peer.peerId());
          PeerLink link = new PeerLink(peer, mayWrite);
          peers.put(peer.peerId(), link);
          peersChanged();
          Future<Void> onLane =
              lane.submit(
                  () -> {
                    sync.attach(link, previous);
                    return null;
                  });
          if (phase == Phase.LOADING) {
            // The lane is busy loading; whatever this peer sends is queued behind the attach.
            attached.complete(this);
          } else {
            onLane.onComplete(ar -> attached.complete(this));
          }
        });
    return attached.future();
  }

  /**
   * A sync or request message from a peer; {@code changes} are the change chunks it carries (see
   * {@code SyncMessageInspector.changeChunks}), empty when none.
   */
  public void receive(String peerId, byte[] data, byte[] changes, SyncMessageSummary summary) {
    context.runOnContext(v -> receive(new Incoming(peerId, data, changes, summary)));
  }

  /** Context: a message from a peer, in the order its peer sent it. */
  private void receive(Incoming in) {
    PeerLink link = peers.get(in.peerId());
    if (link == null || phase == Phase.UNLOADED) {
      return;
    }
    boolean changesIncluded = in.changes().length > 0;
    if (changesIncluded && !link.mayWrite) {
      refuse(
          link,
          new Refusal(
              Refusal.Reason.READ_ONLY,
              "this link may only read; change to " + documentId + " refused"));
      return;
    }
    if (gate.mustWait(changesIncluded)) {
      if (!gate.hold(in)) {
        refuse(link, meetingClosed());
      }
      return;
    }
    if (inbox.size() >= MAX_INBOX) {
      refuse(
          link,
          new Refusal(
              Refusal.Reason.OVERLOADED, "document " + documentId + " is overloaded, try again"));
      return;
    }
    metrics.syncIn(in.data().length);
    if (link.steady && FastPath.isPlainAcknowledgement(in.summary(), in.data())) {
      // A steady peer is sent everything it lacks without asking; its acknowledgements change
      // nothing here, so they cost no cycle (about one per keystroke per peer).
      return;
    }
    Optional<byte[]> stored =
        phase == Phase.LOADING
            ? coldStart.messageFor(link, in.summary(), in.changes())
            : Optional.empty();
    if (stored.isPresent()) {
      log.debug(
          "document {}: peer {} holds nothing; sent the stored document while it loads",
          documentId,
          in.peerId());
      metrics.storedDocumentAnswer();
      send(link, stored.get(), false);
      return;
    }
    inbox.add(in);
    runCycle();
  }

  /** Context: where the changes that waited for the write gate go once it was read. */
  private final class GateOutcome implements WriteGate.Outcome<Incoming> {
    @Override
    public void retry(List<Incoming> waited) {
      waited.forEach(DocumentSession.this::receive);
    }

    @Override
    public void refuse(List<Incoming> waited) {
      for (Incoming in : waited) {
        Optional.ofNullable(peers.get(in.peerId()))
            .ifPresent(link -> DocumentSession.this.refuse(link, meetingClosed()));
      }
    }

    @Override
    public void foundOpen() {
      catchUpWanted = true;
    }
  }

  /**
   * Removes the peer's link if it is still the one of this connection: when a peer joined again on
   * a newer socket, the older socket's close comes later and must leave the newer link alone.
   */
  public void detach(PeerSink peer) {
    context.runOnContext(
        v -> {
          PeerLink link = peers.get(peer.peerId());
          if (link == null || link.sink != peer) {
            return;
          }
          peers.remove(peer.peerId());
          peersChanged();
          lane.submit(
              () -> {
                sync.detach(link);
                return null;
              });
          if (peers.isEmpty()) {
            scheduleIdleUnload();
          }
        });
  }

  /**
   * Reads the document as stored. {@code reader} runs on the lane once the document has loaded and
   * between two cycles, when every change in memory is stored (during a cycle the document holds
   * changes the store has not acknowledged yet, which no one may see); it must keep neither the
   * document nor any native object made from it. Fails with {@link SessionUnloaded} when the
   * session unloaded or is reloading: the caller reads the store instead.
   */
  public <T> Future<T> read(Function<Document, T> reader) {
    Promise<T> result = Promise.promise();
    Runnable readNow =
        () -> {
          if (phase == Phase.LOADED) {
            lane.submit(() -> sync.read(reader)).onComplete(result);
          } else {
            result.fail(new SessionUnloaded(documentId));
          }
        };
    context.runOnContext(
        v -> {
          if (cycleRunning || phase == Phase.LOADING) {
            readsWaiting.add(readNow);
          } else {
            readNow.run();
          }
        });
    return result.future();
  }

  /** Forwards a presence message to the other peers and nodes (see {@link PresenceRelay}). */
  public void ephemeral(Ephemeral message, boolean fromOtherNode) {
    context.runOnContext(v -> presence.forward(message, fromOtherNode, peers.values()));
  }

  /** How many sender sessions' presence counts this session remembers (for tests). */
  Future<Integer> presenceSendersTracked() {
    Promise<Integer> size = Promise.promise();
    context.runOnContext(v -> size.complete(presence.sendersTracked()));
    return size.future();
  }

  /**
   * Another writer (this node's meeting service or another node) stored entries up to {@code seq}.
   */
  public void storedElsewhere(long seq) {
    context.runOnContext(
        v -> {
          if (phase != Phase.UNLOADED && changeLog.announced(seq)) {
            catchUpWanted = true;
            runCycle();
          }
        });
  }

  /** The meeting closed: from now on every change is refused. */
  public void markClosed() {
    context.runOnContext(
        v -> {
          gate.close();
          catchUpWanted = true;
          runCycle();
        });
  }

  /**
   * The meeting was reopened for corrections (its write gate is open again): changes are accepted
   * again. Should a stale call come after a new close, the closed gate still refuses every append.
   */
  public void markReopened() {
    context.runOnContext(
        v -> {
          gate.reopen();
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
    if (cycleRunning
        || phase != Phase.LOADED
        || (inbox.isEmpty() && !catchUpWanted && !flushWanted)) {
      return;
    }
    cycleRunning = true;
    flushWanted = false;
    List<Incoming> batch = new ArrayList<>(inbox);
    inbox.clear();
    boolean catchUp = catchUpWanted;
    catchUpWanted = false;
    Future<Optional<LogSlice>> slice =
        catchUp
            ? changeLog.readSince().map(Optional::of)
            : Future.succeededFuture(Optional.empty());
    slice
        .compose(s -> lane.submit(() -> timed(() -> sync.cycle(s, batch), metrics::cycleLaneWork)))
        .compose(cycle -> persist(cycle).map(cycle))
        .compose(
            cycle ->
                cycle.applied().reloadNeeded()
                    ? Future.failedFuture(
                        new IllegalStateException("a refused sync message left unstored changes"))
                    : Future.succeededFuture(cycle.generated()))
        .onSuccess(
            generated -> {
              // Only now that the store acknowledged the batch's changes may any message show them.
              deliver(generated.out());
              if (generated.heldBack()) {
                scheduleFlush();
              }
            })
        .onFailure(failure -> recoverCycle(failure, batch, catchUp))
        .onComplete(
            ar -> {
              cycleRunning = false;
              releaseWaitingReads();
              maybeCompact();
              maybeKeepDigest();
              runCycle();
            });
  }

  /** Context, between cycles: the waiting reads go onto the lane before the next cycle's work. */
  private void releaseWaitingReads() {
    List<Runnable> released = new ArrayList<>(readsWaiting);
    readsWaiting.clear();
    released.forEach(Runnable::run);
  }

  /** Lane: runs {@code work} and reports how long it took. */
  private static <T> T timed(Supplier<T> work, LongConsumer elapsed) {
    long started = System.nanoTime();
    try {
      return work.get();
    } finally {
      elapsed.accept(System.nanoTime() - started);
    }
  }

  /** Sends the cycle's refusals, then appends its changes; never acknowledges before the store. */
  private Future<Void> persist(Cycle cycle) {
    Synchronizer.Applied applied = cycle.applied();
    changeLog.merged(applied.mergedSeq());
    for (Synchronizer.PeerError error : applied.errors()) {
      Optional.ofNullable(peers.get(error.peerId())).ifPresent(l -> refuse(l, error.refusal()));
    }
    if (applied.pending() == null) {
      return Future.succeededFuture();
    }
    return changeLog
        .append(applied.pending())
        .map(
            othersWrote -> {
              catchUpWanted |= othersWrote;
              return null;
            });
  }

  /** Context: one cycle, a little later, sends what was held back (it applies nothing new). */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    flushScheduled = true;
    vertx.setTimer(
        batchWindowMillis,
        t -> {
          flushScheduled = false;
          flushWanted = true;
          runCycle();
        });
  }

  private void deliver(List<Outgoing> out) {
    for (Outgoing o : out) {
      if (peers.get(o.link().peerId()) == o.link()) {
        send(o.link(), o.data(), o.fastPath());
      }
    }
  }

  private void send(PeerLink link, byte[] data, boolean fastPath) {
    metrics.syncOut(data.length);
    if (fastPath) {
      metrics.fastPathMessage();
    }
    try {
      link.sink.sendSync(documentId, data);
    } catch (RuntimeException e) {
      // One peer's broken socket must not keep the others from their messages: their sync states
      // already count this message as sent, and a skipped one would stall them.
      log.warn("document {}: cannot deliver to peer {}", documentId, link.peerId(), e);
    }
  }

  private void recoverCycle(Throwable failure, List<Incoming> batch, boolean catchUp) {
    if (phase == Phase.UNLOADED) {
      return; // shutdown raced the cycle; the document is gone and so are its peers
    }
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.WRITES_CLOSED) {
      gate.close();
      log.warn(
          "document {}: meeting closed while changes were in flight; refusing them and reloading",
          documentId);
      for (Incoming in : batch) {
        PeerLink link = peers.get(in.peerId());
        if (in.changes().length > 0 && link != null) {
          refuse(link, meetingClosed());
        }
      }
      restartWritersOf(batch);
      reloadFromStore();
      return;
    }
    if (failure instanceof StoreException e
        && e.reason() == StoreException.Reason.UNAVAILABLE
        && catchUp) {
      // Nothing was applied from this batch only if reading the log failed; retry it all shortly.
      log.warn("document {}: cannot read the log ({}), retrying", documentId, e.getMessage());
      inbox.addAll(batch);
      catchUpWanted = true;
      return;
    }
    log.error("document {}: sync cycle failed; reloading from the store", documentId, failure);
    restartWritersOf(batch);
    reloadFromStore();
  }

  /**
   * The batch's changes are dropped with the document in memory: their writers sync again on new
   * sockets, and send them again (or learn that they are refused). The other peers' sync states
   * start afresh with the reload and need nothing more: none of their changes was lost.
   */
  private void restartWritersOf(List<Incoming> batch) {
    batch.stream()
        .filter(in -> in.changes().length > 0)
        .map(Incoming::peerId)
        .distinct()
        .map(peers::get)
        .filter(Objects::nonNull)
        .forEach(link -> link.sink.restartSync(documentId));
  }

  /** Replaces the in-memory document (which may hold refused changes) by the stored one. */
  private void reloadFromStore() {
    // Not cycleRunning: the failed cycle's own completion clears that flag right after this.
    phase = Phase.RELOADING;
    store
        .load(documentId)
        .compose(stored -> lane.submit(() -> sync.reload(stored)))
        .onComplete(
            ar -> {
              if (phase == Phase.UNLOADED) {
                return;
              }
              if (ar.failed()) {
                // The document in memory may still hold unstored changes: never go on with it.
                logReloadFailure(ar.cause());
                vertx.setTimer(
                    1_000,
                    t -> {
                      if (phase != Phase.UNLOADED) {
                        reloadFromStore();
                      }
                    });
                return;
              }
              changeLog.reloaded(ar.result());
              phase = Phase.LOADED;
              catchUpWanted = true;
              runCycle();
            });
  }

  /** An outage is expected and said in one line each second; anything else is a bug. */
  private void logReloadFailure(Throwable failure) {
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.UNAVAILABLE) {
      log.warn(
          "document {}: reload waits for the store, retrying in a second: {}",
          documentId,
          e.getMessage());
    } else {
      log.error("document {}: reload failed; retrying in a second", documentId, failure);
    }
  }

  private void maybeCompact() {
    if (phase != Phase.LOADED || catchUpWanted || !changeLog.compactionDue()) {
      return;
    }
    changeLog.compact(() -> lane.submit(() -> timed(sync::save, metrics::compactionLaneWork)));
  }

  /** Context, between cycles: a digest every {@code compactAfter} entries (DigestKeeper). */
  private void maybeKeepDigest() {
    // Others' entries not merged yet: the document does not hold exactly the entries up to one.
    if (phase == Phase.LOADED && !catchUpWanted && !gate.closed()) {
      digests.entriesMerged(changeLog.mergedSeq());
    }
  }

  // ---- idle unload ----

  /**
   * A session opened to be read (e.g. for the meeting's page, whose socket joins right after) goes
   * the way of one whose last peer left, unless a peer attaches first.
   */
  private void unloadIfNobodyJoins() {
    // Queued before the session is handed out: an attach, queued after, cancels the timer.
    context.runOnContext(v -> scheduleIdleUnload());
  }

  private void scheduleIdleUnload() {
    cancelIdleTimer();
    idleTimer =
        vertx.setTimer(
            settings.idle().toMillis(),
            id -> {
              idleTimer = -1;
              boolean quiet =
                  !cycleRunning
                      && phase == Phase.LOADED
                      && inbox.isEmpty()
                      && !changeLog.compacting();
              if (peers.isEmpty() && quiet) {
                compactThenUnload();
              } else if (peers.isEmpty()) {
                scheduleIdleUnload();
              }
            });
  }

  /**
   * An idle session folds its log into the snapshot before it goes: the next load, and every joiner
   * answered from the stored bytes meanwhile ({@link ColdStart}), then get one saved document
   * instead of a snapshot and hundreds of single keystrokes to apply.
   */
  private void compactThenUnload() {
    if (!changeLog.uncompacted()) {
      unload();
      return;
    }
    changeLog
        .compact(() -> lane.submit(() -> timed(sync::save, metrics::compactionLaneWork)))
        .onComplete(
            ar -> {
              boolean stillIdle =
                  phase == Phase.LOADED && peers.isEmpty() && !cycleRunning && inbox.isEmpty();
              if (stillIdle) {
                unload();
              } else if (peers.isEmpty() && phase != Phase.UNLOADED) {
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
    if (phase == Phase.UNLOADED) {
      return Future.succeededFuture();
    }
    // Between cycles the document holds exactly the stored entries up to the merged one. A closed
    // meeting is read from its final minutes, never from a digest.
    boolean digestWanted = phase == Phase.LOADED && !cycleRunning && !gate.closed();
    long seq = changeLog.mergedSeq();
    phase = Phase.UNLOADED;
    gate.stop();
    releaseWaitingReads(); // they fail with SessionUnloaded: their callers read the store
    changeLog.stop();
    cancelIdleTimer();
    onUnload.accept(this);
    List<PeerLink> remaining = new ArrayList<>(peers.values());
    peers.clear();
    peersChanged();
    return lane.submit(
            () -> {
              byte[] made = digestWanted ? digests.make() : null;
              sync.unload(remaining);
              return made;
            })
        .onSuccess(v -> log.debug("unloaded document {}", documentId))
        .compose(made -> made == null ? Future.succeededFuture() : digests.keep(seq, made));
  }

  // ---- helpers ----

  private void peersChanged() {
    sync.peersChanged(List.copyOf(peers.values()));
  }

  private Refusal meetingClosed() {
    return new Refusal(
        Refusal.Reason.MEETING_CLOSED,
        "the meeting is closed; change to " + documentId + " refused");
  }

  private void refuse(PeerLink link, Refusal refusal) {
    metrics.refused(refusal.reason());
    log.warn(
        "refused peer {} on document {}: {}", link.peerId(), documentId, refusal.clientMessage());
    link.sink.refuse(refusal);
  }

  /** The session unloaded between lookup and attach; the caller opens a fresh one. */
  public static final class SessionUnloaded extends RuntimeException {
    SessionUnloaded(String documentId) {
      super("session of " + documentId + " unloaded", null, false, false);
    }
  }
}
