package dev.minutes.sync;

import dev.minutes.metrics.SyncMetrics;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.LogSlice;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.codec.ChangeChunk;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.SyncMessageParts;
import dev.minutes.sync.codec.SyncMessageSummary;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
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
 *
 * <ol>
 *   <li><b>Acknowledged means durable.</b> Work proceeds in cycles: apply a batch of incoming sync
 *       messages, append the change chunks those messages carried to the store (exactly as sent,
 *       one append per cycle), and only then deliver outgoing messages. They are worked out on the
 *       lane right after applying, but no message leaves before the store acknowledged the append,
 *       and a failed cycle drops them and resets every sync state, so no peer ever sees heads that
 *       contain an unstored change. Storing what clients sent, rather than diffing heads, also
 *       covers changes Automerge holds back until their dependencies arrive.
 *   <li>At the start of each cycle every change in the document is stored; {@code mergedSeq} is the
 *       highest log sequence number such that every entry up to it is in the document.
 *   <li>All fields are touched only on {@link #context}; native objects only inside lane tasks.
 *   <li>A refused change (viewer, closed meeting, bytes Automerge rejects) is never stored and
 *       never advertised; if it had already reached memory, the document is reloaded from the
 *       store.
 * </ol>
 */
public final class DocumentSession {
  private static final Logger log = LoggerFactory.getLogger(DocumentSession.class);
  private static final int MAX_INBOX = 10_000;

  /** Sender sessions whose presence counts a session remembers (see {@link #ephemeralCounts}). */
  static final int PRESENCE_SENDERS_KEPT = 1_024;

  /** Log bytes after which the log is folded into the snapshot whatever the entry count. */
  static final long COMPACT_AFTER_BYTES = 256 * 1024;

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

  /**
   * Presence forwarded by this session: each message fans out to every peer (and to other nodes).
   */
  private final MessageRate presence;

  /** Owner: this session. Lane-confined; freed by {@link #unload} or a reload. */
  private Document document;

  /**
   * Lane-confined: the heads at the last generation; null forces the next one to ask every slow
   * peer's sync state (after a load or reload).
   */
  private ChangeHash[] generatedHeads;

  /** Lane-confined: the last {@link Document#save()} for joiners, and the heads it was taken at. */
  private byte[] saved;

  private ChangeHash[] savedAt;

  /** Lane-confined: changes steady peers may still lack. */
  private final RecentChanges recent = new RecentChanges();

  private final Map<String, PeerLink> peers = new LinkedHashMap<>();

  /**
   * Highest presence count per sender session ({@code senderId:sessionId}), least recently heard
   * first. Every page load is a new session, and a client may invent session ids: beyond {@link
   * #PRESENCE_SENDERS_KEPT} the least recently heard is forgotten (a replay of its messages passes
   * once more; presence is best effort).
   */
  private final Map<String, Long> ephemeralCounts =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > PRESENCE_SENDERS_KEPT;
        }
      };

  private final ArrayDeque<Incoming> inbox = new ArrayDeque<>();
  private long mergedSeq;
  private long compactedSeq;

  /**
   * Bytes of log entries after {@code compactedSeq}, as far as this node knows (its own appends and
   * what it loaded).
   */
  private long logBytes;

  private boolean cycleRunning;

  /**
   * While this session's own append is in flight, the highest sequence number announced on the
   * change feed meanwhile. The feed announces our own appends too, often before Redis' reply to the
   * append: only once that reply is in can the session tell whether someone else wrote (else every
   * keystroke would cost a second cycle reading the log back).
   */
  private boolean appendInFlight;

  private long announcedDuringAppend;

  /**
   * True while the document is being replaced by the stored one (after a refused or failed cycle).
   * Until then the in-memory document may hold changes that were never stored: no cycle, no
   * compaction and no outgoing message may use it.
   */
  private boolean reloading;

  private boolean catchUpWanted;

  /**
   * Shortest time between two messages to one steady peer ({@link SessionSettings#batchWindow}). In
   * a busy meeting the changes that arrive meanwhile go out together: one frame, one Automerge
   * apply and one acknowledgement on the peer's side instead of one per keystroke. It bounds the
   * extra delay a keystroke can see.
   */
  private final long batchWindowNanos;

  /** A steady peer's message was held back by the batch window: a cycle must send it. */
  private boolean flushWanted;

  private boolean flushScheduled;
  private boolean compacting;
  private boolean closed;
  private boolean unloaded;
  private long idleTimer = -1;

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
    this.presence = new MessageRate(settings.presencePerSecond(), System.nanoTime());
    this.batchWindowNanos = settings.batchWindow().toNanos();
  }

  /**
   * Loads a stored document into a new session. Fails with {@link StoreException} reason
   * UNKNOWN_DOCUMENT when the store does not have it.
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
      Consumer<DocumentSession> onUnload) {
    Context context = vertx.getOrCreateContext();
    SerialLane lane = new SerialLane(pool.executor(), context);
    DocumentSession session =
        new DocumentSession(
            documentId, vertx, context, lane, store, natives, settings, metrics, relay, onUnload);
    return store
        .load(documentId)
        .compose(
            stored ->
                stored
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new StoreException(
                                    StoreException.Reason.UNKNOWN_DOCUMENT,
                                    "no document " + documentId))))
        .compose(
            stored ->
                Future.all(
                        store.writesClosed(documentId),
                        lane.submit(() -> session.loadNative(stored)))
                    .map(
                        all -> {
                          session.closed = all.resultAt(0);
                          session.mergedSeq = stored.lastSeq();
                          session.compactedSeq = stored.lastSeq() - stored.changes().size();
                          session.logBytes =
                              stored.changes().stream().mapToLong(change -> change.length).sum();
                          return session;
                        }))
        .onSuccess(s -> log.debug("loaded document {} at seq {}", documentId, s.mergedSeq));
  }

  public String documentId() {
    return documentId;
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
          if (unloaded) {
            attached.fail(new SessionUnloaded(documentId));
            return;
          }
          cancelIdleTimer();
          PeerLink previous = peers.get(peer.peerId());
          PeerLink link = new PeerLink(peer, mayWrite);
          peers.put(peer.peerId(), link);
          peersChanged();
          lane.submit(
                  () -> {
                    if (previous != null) {
                      natives.free(previous.state);
                    }
                    link.state = natives.newSyncState();
                    return null;
                  })
              .onComplete(ar -> attached.complete(this));
        });
    return attached.future();
  }

  /**
   * A sync or request message from a peer; {@code changes} are the change chunks it carries (see
   * {@code SyncMessageInspector.changeChunks}), empty when none.
   */
  public void receive(String peerId, byte[] data, byte[] changes, SyncMessageSummary summary) {
    boolean changesIncluded = changes.length > 0;
    context.runOnContext(
        v -> {
          PeerLink link = peers.get(peerId);
          if (link == null || unloaded) {
            return;
          }
          if (changesIncluded && !link.mayWrite) {
            refuse(
                link,
                new Refusal(
                    Refusal.Reason.READ_ONLY,
                    "this link may only read; change to " + documentId + " refused"));
            return;
          }
          if (changesIncluded && closed) {
            refuse(
                link,
                new Refusal(
                    Refusal.Reason.MEETING_CLOSED,
                    "the meeting is closed; change to " + documentId + " refused"));
            return;
          }
          if (inbox.size() >= MAX_INBOX) {
            refuse(
                link,
                new Refusal(
                    Refusal.Reason.OVERLOADED,
                    "document " + documentId + " is overloaded, try again"));
            return;
          }
          metrics.syncIn(data.length);
          if (link.steady && isPlainAcknowledgement(summary, data)) {
            // A steady peer is sent everything it lacks without asking; its acknowledgements change
            // nothing
            // here, so they cost no cycle (about one per keystroke per peer of the meeting).
            return;
          }
          inbox.add(new Incoming(peerId, data, changes, summary));
          runCycle();
        });
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
    context.runOnContext(
        v -> {
          String key = message.senderId() + ":" + message.sessionId();
          Long highest = ephemeralCounts.get(key);
          if (highest != null && message.count() <= highest) {
            return;
          }
          ephemeralCounts.put(key, message.count());
          if (!presence.tryAcquire(System.nanoTime())) {
            // Presence is best effort; the per-connection limit alone would let many connections
            // (or
            // reconnecting ones, each with a fresh allowance) multiply into every peer's socket.
            metrics.presenceDropped();
            return;
          }
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

  /** How many sender sessions' presence counts this session remembers (for tests). */
  Future<Integer> presenceSendersTracked() {
    Promise<Integer> size = Promise.promise();
    context.runOnContext(v -> size.complete(ephemeralCounts.size()));
    return size.future();
  }

  /**
   * Another writer (this node's meeting service or another node) stored entries up to {@code seq}.
   */
  public void storedElsewhere(long seq) {
    context.runOnContext(
        v -> {
          if (seq <= mergedSeq || unloaded) {
            return;
          }
          if (appendInFlight) {
            announcedDuringAppend = Math.max(announcedDuringAppend, seq);
            return;
          }
          catchUpWanted = true;
          runCycle();
        });
  }

  /** The meeting closed: from now on every change is refused. */
  public void markClosed() {
    context.runOnContext(
        v -> {
          closed = true;
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
          closed = false;
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
        || reloading
        || unloaded
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
            ? store.readSince(documentId, mergedSeq).map(Optional::of)
            : Future.succeededFuture(Optional.empty());
    slice
        .compose(
            s -> lane.submit(() -> timed(() -> applyAndGenerate(s, batch), metrics::cycleLaneWork)))
        .compose(cycle -> persist(cycle.applied()).map(cycle))
        .compose(
            cycle ->
                cycle.applied().reloadNeeded
                    ? Future.failedFuture(
                        new IllegalStateException("a rejected sync message left unstored changes"))
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
              maybeCompact();
              runCycle();
            });
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

  /**
   * Lane: one task per cycle. The outgoing messages are worked out right after applying, while the
   * lane is ours anyway, but they wait on the context until the append is acknowledged: a second
   * lane task after the append cost two more thread hand-offs per keystroke. If the cycle fails
   * instead, they are dropped and every peer's sync state is reset with the reload, so nothing
   * generated here leaks.
   */
  private Cycle applyAndGenerate(Optional<LogSlice> slice, List<Incoming> batch) {
    Applied applied = apply(slice, batch);
    return new Cycle(
        applied, applied.reloadNeeded ? new Generated(List.of(), false) : generate(batch));
  }

  /**
   * Lane: merges stored entries from the log, then the peers' messages; returns what must be
   * stored.
   *
   * <p>A steady peer's message (see {@link PeerLink#steady}) is not handed to Automerge's sync: its
   * changes are applied directly and kept in {@link #recent} for the other peers. Automerge 0.5's
   * sync walks the whole change history on every receive and generate (it computes a clock of the
   * last sync heads), so in a long meeting each call costs more than the last; applying a change
   * does not. Clients of either message version qualify; chunks this class cannot read (a whole
   * saved document, a compressed change) are applied all the same and their changes read back from
   * Automerge. A message that is anything but changes and heads (a need, a reset, unreadable bytes)
   * puts its peer back on Automerge's own sync with a fresh sync state.
   */
  private Applied apply(Optional<LogSlice> slice, List<Incoming> batch) {
    if (document == null) {
      throw new SessionUnloaded(documentId);
    }
    slice.ifPresent(this::mergeStored);
    List<PeerError> errors = new ArrayList<>();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    boolean reloadNeeded = false;
    List<ChangeChunk> direct = new ArrayList<>();
    List<String> directOrigins = new ArrayList<>();
    for (Incoming in : batch) {
      PeerLink link = peerOnLane(in.peerId);
      if (link == null || link.state == null) {
        continue;
      }
      link.lastHeads = in.summary.heads();
      if (link.steady) {
        if (isChangesAndHeads(in.data)) {
          ChangeHash[] before = in.changes.length == 0 ? null : document.getHeads();
          try {
            if (before != null) {
              document.applyEncodedChanges(
                  in.changes); // Automerge reads every kind of chunk in one call
            }
            pending.writeBytes(in.changes);
            for (ChangeChunk change : changesOf(in.changes, before)) {
              direct.add(change);
              directOrigins.add(in.peerId);
            }
          } catch (RuntimeException e) {
            errors.add(rejected(in.peerId, e));
            resetPeer(link);
            reloadNeeded |= before != null && !Arrays.equals(before, document.getHeads());
          }
          continue;
        }
        log.debug(
            "document {}: peer {} sent more than changes and heads (need {}, changes {})",
            documentId,
            in.peerId,
            in.summary.needCount(),
            in.summary.changeCount());
        resetPeer(link);
      }
      ChangeHash[] before = in.changes.length > 0 ? document.getHeads() : null;
      try {
        document.receiveSyncMessage(link.state, in.data);
        pending.writeBytes(in.changes);
        rememberForSteadyPeers(in.changes, before, in.peerId);
      } catch (RuntimeException e) {
        // The binding's AutomergeException is package-private: any RuntimeException here is bad
        // client bytes.
        errors.add(rejected(in.peerId, e));
        resetPeer(link);
        // Automerge parses a message fully before applying it, so a rejected one normally changes
        // nothing; if it did change the document, those changes are not stored: reload.
        reloadNeeded |= before != null && !Arrays.equals(before, document.getHeads());
      }
    }
    for (int i = 0; i < direct.size(); i++) {
      recent.add(direct.get(i), directOrigins.get(i));
    }
    if (!direct.isEmpty() && !allApplied(direct, document.getHeads())) {
      // A change waits for a dependency, or was a duplicate: Automerge's own sync sorts those peers
      // out.
      log.debug(
          "document {}: a directly applied change is not in the document; its senders resync",
          documentId);
      for (String origin : new HashSet<>(directOrigins)) {
        Optional.ofNullable(peerOnLane(origin)).ifPresent(this::resetPeer);
      }
    }
    return new Applied(
        pending.size() == 0 ? null : pending.toByteArray(),
        slice.map(LogSlice::lastSeq).orElse(-1L),
        errors,
        reloadNeeded);
  }

  private PeerError rejected(String peerId, RuntimeException e) {
    return new PeerError(
        peerId,
        new Refusal(
            Refusal.Reason.SYNC_REJECTED,
            "Automerge rejected the sync message for " + documentId + ": " + e.getMessage()));
  }

  /**
   * Lane: back to Automerge's own sync for this peer, from scratch (a full bloom-filter exchange).
   */
  private void resetPeer(PeerLink link) {
    if (link.steady) {
      metrics.fastPathExit();
      log.debug("document {}: peer {} back on Automerge's sync", documentId, link.sink.peerId());
    }
    natives.free(link.state);
    link.state = natives.newSyncState();
    link.answered = false;
    link.steady = false;
    link.owesAcknowledgement = false;
  }

  private void resetSteadyPeers() {
    for (PeerLink link : lanePeers()) {
      if (link.steady && link.state != null) {
        resetPeer(link);
      }
    }
  }

  /** No changes, no need, and not a reset (a {@code have} with an empty last sync). */
  private static boolean isPlainAcknowledgement(SyncMessageSummary summary, byte[] data) {
    if (summary.changeCount() > 0 || summary.needCount() > 0) {
      return false;
    }
    try {
      return !SyncMessageParts.read(data).lastSyncs().contains(0);
    } catch (MalformedMessageException e) {
      return false;
    }
  }

  /**
   * Nothing but changes and heads: no need, no reset (else Automerge's own sync must answer it).
   */
  private static boolean isChangesAndHeads(byte[] data) {
    try {
      SyncMessageParts parts = SyncMessageParts.read(data);
      return parts.needCount() == 0 && !parts.lastSyncs().contains(0);
    } catch (MalformedMessageException e) {
      log.debug("sync message not for the fast path: {}", e.getMessage());
      return false;
    }
  }

  /**
   * Lane: the changes that {@code chunks}, just applied on top of {@code before}, brought. Plain
   * change chunks (automerge 3 puts several in one) are read here; a chunk only Automerge reads (a
   * whole saved document, which automerge 3 sends while it believes the other side holds nothing,
   * or a compressed change) is read back from the document with one {@code encodeChangesSince},
   * rare by nature.
   */
  private List<ChangeChunk> changesOf(byte[] chunks, ChangeHash[] before) {
    if (chunks.length == 0) {
      return List.of();
    }
    try {
      return ChangeChunk.splitAll(chunks);
    } catch (MalformedMessageException notPlain) {
      return changesSince(before);
    }
  }

  /** Lane: the changes since {@code before}, as Automerge encodes them; a history walk. */
  private List<ChangeChunk> changesSince(ChangeHash[] before) {
    if (before == null || Arrays.equals(before, document.getHeads())) {
      return List.of();
    }
    try {
      return ChangeChunk.splitAll(document.encodeChangesSince(before));
    } catch (MalformedMessageException e) {
      log.debug(
          "document {}: new changes not readable here ({}); steady peers resync",
          documentId,
          e.getMessage());
      resetSteadyPeers();
      return List.of();
    }
  }

  /**
   * Whether every directly applied change is now in the document: each is a head or a dependency of
   * a later one of the batch that is. One whose dependencies are missing waits in Automerge's
   * queue.
   */
  private static boolean allApplied(List<ChangeChunk> changes, ChangeHash[] heads) {
    Set<ByteBuffer> covered = new HashSet<>();
    for (ChangeHash head : heads) {
      covered.add(ByteBuffer.wrap(head.getBytes()));
    }
    for (int i = changes.size() - 1; i >= 0; i--) {
      ChangeChunk change = changes.get(i);
      if (!covered.contains(ByteBuffer.wrap(change.hash()))) {
        return false;
      }
      change.deps().forEach(dep -> covered.add(ByteBuffer.wrap(dep)));
    }
    return true;
  }

  /** Lane: changes that arrived another way (Automerge's sync, the log) go to steady peers too. */
  private void rememberForSteadyPeers(byte[] chunks, ChangeHash[] before, String origin) {
    if (chunks.length == 0 || !hasSteadyPeers()) {
      return;
    }
    for (ChangeChunk change : changesOf(chunks, before)) {
      recent.add(change, origin);
    }
  }

  private boolean hasSteadyPeers() {
    for (PeerLink link : lanePeers()) {
      if (link.steady) {
        return true;
      }
    }
    return false;
  }

  private void mergeStored(LogSlice slice) {
    slice.snapshot().ifPresent(document::applyEncodedChanges);
    boolean passOn = slice.snapshot().isEmpty() && hasSteadyPeers();
    for (byte[] entry : slice.changes()) {
      ChangeHash[] before = passOn ? document.getHeads() : null;
      document.applyEncodedChanges(entry);
      if (passOn) {
        rememberForSteadyPeers(entry, before, null);
      }
    }
    if (slice.snapshot().isPresent()) {
      resetSteadyPeers(); // a compaction happened meanwhile: which changes are new is not known
      // here
    }
  }

  /**
   * Context: appends the batch's change chunks, retrying while Redis is away; never acknowledges
   * before.
   */
  private Future<Void> persist(Applied applied) {
    if (applied.mergedSeq > mergedSeq) {
      mergedSeq = applied.mergedSeq;
    }
    applied.errors.forEach(
        error ->
            Optional.ofNullable(peers.get(error.peerId)).ifPresent(l -> refuse(l, error.refusal)));
    if (applied.pending == null) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    appendInFlight = true;
    return appendWithRetry(applied.pending, 0)
        .map(
            seq -> {
              logBytes += applied.pending.length;
              metrics.storeLatency(System.nanoTime() - started);
              if (seq == mergedSeq + 1) {
                mergedSeq = seq;
              } else {
                catchUpWanted =
                    true; // another node appended in between: read its entries (ours re-applies as
                // a no-op)
              }
              return (Void) null;
            })
        .onComplete(
            ar -> {
              appendInFlight = false;
              if (announcedDuringAppend > mergedSeq) {
                catchUpWanted = true; // someone else appended while ours was in flight
              }
              announcedDuringAppend = 0;
            });
  }

  private Future<Long> appendWithRetry(byte[] changes, int attempt) {
    return store
        .append(documentId, changes)
        .recover(
            failure -> {
              if (failure instanceof StoreException e
                  && e.reason() == StoreException.Reason.UNAVAILABLE
                  && !unloaded) {
                Duration wait = Duration.ofMillis(Math.min(5_000, 50L << Math.min(attempt, 7)));
                log.warn(
                    "document {}: store unavailable, retrying append in {} ms (attempt {}): {}",
                    documentId,
                    wait.toMillis(),
                    attempt + 1,
                    e.getMessage());
                metrics.storeRetry();
                return vertx
                    .timer(wait.toMillis())
                    .compose(t -> appendWithRetry(changes, attempt + 1));
              }
              return Future.failedFuture(failure);
            });
  }

  /**
   * Lane: the next message for each peer that may need one.
   *
   * <p>A steady peer (one that held exactly our heads when Automerge had nothing left for it) gets
   * a message written here: our heads, a {@code have} that says "exactly these heads", and the
   * recent changes it lacks. It gets one when there are such changes or when it sent changes (the
   * acknowledgement that tells it they are stored). Other peers go through Automerge's sync state,
   * whose generation is skipped where its answer is known to be "nothing":
   *
   * <ul>
   *   <li>when the heads did not move, for a peer that did not speak in this cycle (a sync state
   *       changes only by receiving or by the document changing);
   *   <li>for a peer whose every message in this cycle acknowledged exactly our current heads, with
   *       no changes and no need, once answered on this sync state.
   * </ul>
   */
  private Generated generate(List<Incoming> batch) {
    List<Outgoing> out = new ArrayList<>();
    if (document == null) {
      return new Generated(out, false); // unloaded meanwhile (shutdown): nothing to send
    }
    long now = System.nanoTime();
    boolean heldBack = false;
    ChangeHash[] heads = document.getHeads();
    Map<String, Spoke> senders = senders(batch, heads);
    boolean headsMoved = generatedHeads == null || !sameHeads(heads, generatedHeads);
    generatedHeads = heads;
    List<byte[]> headBytes = new ArrayList<>(heads.length);
    for (ChangeHash head : heads) {
      headBytes.add(head.getBytes());
    }
    for (PeerLink link : lanePeers()) {
      if (link.state == null) {
        continue;
      }
      Spoke spoke = senders.get(link.sink.peerId());
      if (link.steady) {
        link.owesAcknowledgement |= spoke != null && spoke.sentChanges;
        if (link.sentUpTo == recent.end() && !link.owesAcknowledgement) {
          continue;
        }
        if (now - link.lastSentNanos < batchWindowNanos) {
          heldBack = true; // sent a moment ago: what is new goes with the next message
          continue;
        }
        List<byte[]> missing = recent.since(link.sentUpTo, link.sink.peerId());
        link.sentUpTo = recent.end();
        if (!missing.isEmpty() || link.owesAcknowledgement) {
          out.add(new Outgoing(link, SyncMessageParts.write(headBytes, missing), true));
          link.lastSentNanos = now;
          link.owesAcknowledgement = false;
        }
        continue;
      }
      if (link.lastHeads == null) {
        continue; // attached but not heard yet: its first message will say what it holds
      }
      if (!link.answered && link.lastHeads.isEmpty() && heads.length > 0) {
        // A peer that holds nothing (a late joiner, a fresh tab) gets the whole document at once.
        out.add(
            new Outgoing(
                link, SyncMessageParts.writeDocument(headBytes, savedDocument(heads)), false));
        link.answered = true;
        // It will hold exactly these heads: everything recent has so far. No need to wait for a
        // quiet
        // moment (which a meeting in full swing may not have) to sync it on the fast path.
        link.steady = true;
        link.sentUpTo = recent.end();
        log.debug(
            "document {}: peer {} joined with nothing, sent the whole document; now on the fast path",
            documentId,
            link.sink.peerId());
        continue;
      }
      if (!headsMoved && (spoke == null || (spoke.onlyAcknowledged && link.answered))) {
        becomeSteadyIfInSync(link, heads);
        continue;
      }
      Optional<byte[]> message = document.generateSyncMessage(link.state);
      if (message.isPresent()) {
        link.answered = true;
        out.add(new Outgoing(link, message.get(), false));
      } else {
        becomeSteadyIfInSync(link, heads);
      }
    }
    long oldestNeeded = recent.end();
    for (PeerLink link : lanePeers()) {
      if (link.steady) {
        oldestNeeded = Math.min(oldestNeeded, link.sentUpTo);
      }
    }
    recent.dropBefore(oldestNeeded);
    return new Generated(out, heldBack);
  }

  /**
   * Context: one cycle, a little later, sends what was held back (it applies nothing if nothing
   * came).
   */
  private void scheduleFlush() {
    if (flushScheduled) {
      return;
    }
    flushScheduled = true;
    vertx.setTimer(
        Math.max(1, batchWindowNanos / 1_000_000),
        t -> {
          flushScheduled = false;
          flushWanted = true;
          runCycle();
        });
  }

  /**
   * Lane: the saved document at {@code heads}, kept while the heads stay (joiners often come
   * together).
   */
  private byte[] savedDocument(ChangeHash[] heads) {
    if (savedAt == null || !sameHeads(savedAt, heads)) {
      saved = document.save();
      savedAt = heads;
    }
    return saved;
  }

  /**
   * A peer that holds exactly our heads while Automerge has nothing for it is in sync: from now on,
   * the fast path.
   */
  private void becomeSteadyIfInSync(PeerLink link, ChangeHash[] heads) {
    if (link.answered && link.lastHeads != null && sameHeads(link.lastHeads, heads)) {
      link.steady = true;
      link.sentUpTo = recent.end();
      log.debug(
          "document {}: peer {} is in sync, now on the fast path", documentId, link.sink.peerId());
    }
  }

  /** What a peer said in one cycle. */
  private record Spoke(boolean onlyAcknowledged, boolean sentChanges) {
    Spoke and(Spoke other) {
      return new Spoke(
          onlyAcknowledged && other.onlyAcknowledged, sentChanges || other.sentChanges);
    }
  }

  /**
   * Per peer that spoke in the batch: whether all it said was "I hold exactly your heads", and
   * whether it sent changes.
   */
  private static Map<String, Spoke> senders(List<Incoming> batch, ChangeHash[] heads) {
    Map<String, Spoke> senders = new HashMap<>();
    for (Incoming in : batch) {
      boolean acknowledgement =
          in.summary.changeCount() == 0
              && in.summary.needCount() == 0
              && sameHeads(in.summary.heads(), heads);
      senders.merge(
          in.peerId, new Spoke(acknowledgement, in.summary.changeCount() > 0), Spoke::and);
    }
    return senders;
  }

  private static boolean sameHeads(ChangeHash[] a, ChangeHash[] b) {
    if (a.length != b.length) {
      return false;
    }
    List<ChangeHash> left = Arrays.asList(a);
    for (ChangeHash hash : b) {
      if (!left.contains(hash)) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameHeads(List<byte[]> theirs, ChangeHash[] ours) {
    if (theirs.size() != ours.length) {
      return false;
    }
    for (byte[] hash : theirs) {
      boolean found = false;
      for (ChangeHash head : ours) {
        if (Arrays.equals(hash, head.getBytes())) {
          found = true;
          break;
        }
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private void deliver(List<Outgoing> out) {
    for (Outgoing o : out) {
      if (peers.get(o.link.sink.peerId()) == o.link) {
        metrics.syncOut(o.data.length);
        if (o.fastPath) {
          metrics.fastPathMessage();
        }
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
      log.warn(
          "document {}: meeting closed while changes were in flight; refusing them and reloading",
          documentId);
      for (Incoming in : batch) {
        PeerLink link = peers.get(in.peerId);
        if (in.changes.length > 0 && link != null) {
          refuse(
              link,
              new Refusal(
                  Refusal.Reason.MEETING_CLOSED,
                  "the meeting is closed; change to " + documentId + " refused"));
        }
      }
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
    reloadFromStore();
  }

  /**
   * Drops the in-memory document (which may hold refused changes) and every sync state, then
   * reloads.
   */
  private void reloadFromStore() {
    // Not cycleRunning: the failed cycle's own completion clears that flag right after this
    // returns.
    reloading = true;
    store
        .load(documentId)
        .compose(
            stored ->
                lane.submit(
                    () -> {
                      natives.free(document);
                      document = null;
                      generatedHeads = null;
                      saved = null;
                      savedAt = null;
                      recent.dropBefore(recent.end());
                      stored.ifPresent(this::loadNativeUnchecked);
                      for (PeerLink link : lanePeers()) {
                        resetPeer(link);
                      }
                      return stored.map(StoredDocument::lastSeq).orElse(0L);
                    }))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                // The document in memory may still hold unstored changes: never go on with it.
                log.error(
                    "document {}: reload failed; retrying in a second", documentId, ar.cause());
                vertx.setTimer(
                    1_000,
                    t -> {
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
    boolean manyEntries = mergedSeq - compactedSeq >= settings.compactAfter();
    // A few large entries (a pasted or imported document, an offline client's backlog) are as slow
    // to load
    // change by change as many small ones: fold them into the snapshot too.
    boolean manyBytes = logBytes >= COMPACT_AFTER_BYTES && mergedSeq > compactedSeq;
    if (compacting || reloading || unloaded || catchUpWanted || !(manyEntries || manyBytes)) {
      return;
    }
    compacting = true;
    long bytesFolded = logBytes;
    long upTo = mergedSeq;
    lane.submit(() -> timed(document::save, metrics::compactionLaneWork))
        .compose(snapshot -> store.compact(documentId, snapshot, upTo))
        .onComplete(
            ar -> {
              compacting = false;
              if (ar.succeeded()) {
                compactedSeq = upTo;
                logBytes = Math.max(0, logBytes - bytesFolded);
                log.debug("document {}: compacted up to seq {}", documentId, upTo);
              } else {
                log.warn(
                    "document {}: compaction failed, will retry later: {}",
                    documentId,
                    ar.cause().getMessage());
              }
            });
  }

  // ---- idle unload ----

  private void scheduleIdleUnload() {
    cancelIdleTimer();
    idleTimer =
        vertx.setTimer(
            settings.idle().toMillis(),
            id -> {
              idleTimer = -1;
              if (peers.isEmpty()
                  && !cycleRunning
                  && !reloading
                  && inbox.isEmpty()
                  && !compacting) {
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
    return lane.submit(
            () -> {
              for (PeerLink link : remaining) {
                natives.free(link.state);
                link.state = null;
              }
              natives.free(document);
              document = null;
              saved = null;
              savedAt = null;
              recent.dropBefore(recent.end());
              return null;
            })
        .onSuccess(v -> log.debug("unloaded document {}", documentId))
        .mapEmpty();
  }

  // ---- helpers ----

  private Void loadNative(StoredDocument stored) {
    loadNativeUnchecked(stored);
    return null;
  }

  private void loadNativeUnchecked(StoredDocument stored) {
    long started = System.nanoTime();
    document = natives.load(stored.snapshot());
    for (byte[] change : stored.changes()) {
      document.applyEncodedChanges(change);
    }
    if (stored.changes().isEmpty()) {
      // The snapshot is the saved document: a joiner's first answer needs no save().
      saved = stored.snapshot();
      savedAt = document.getHeads();
    }
    log.debug(
        "document {}: loaded a {}-byte snapshot and {} log entries in {} ms",
        documentId,
        stored.snapshot().length,
        stored.changes().size(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Peer links are created on the context and read on the lane. Tasks are handed over through the
   * lane's queue, which orders the writes before the reads; the map itself is copied on the
   * context.
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
    log.warn(
        "refused peer {} on document {}: {}",
        link.sink.peerId(),
        documentId,
        refusal.clientMessage());
    link.sink.refuse(refusal);
  }

  /** One peer of this document. {@code state} is lane-confined and owned by this session. */
  private static final class PeerLink {
    final PeerSink sink;
    final boolean mayWrite;
    volatile SyncState state;

    /**
     * Lane-confined: whether a message was generated on the current {@code state} (Automerge's
     * have_responded).
     */
    boolean answered;

    /**
     * Lane-confined: synced by the fast path (see {@link DocumentSession#generate}); it holds every
     * change of {@link DocumentSession#recent} before {@code sentUpTo}. Written on the lane; also
     * read on the context to drop a steady peer's acknowledgements (a stale read costs one cycle,
     * or one ignored acknowledgement of a peer that Automerge's sync answers again anyway).
     */
    volatile boolean steady;

    long sentUpTo;

    /**
     * Lane-confined: when it was last sent a message, and whether changes it sent still await their
     * acknowledgement.
     */
    long lastSentNanos = Long.MIN_VALUE / 2;

    boolean owesAcknowledgement;

    /** Lane-confined: the heads of its latest message. */
    List<byte[]> lastHeads;

    PeerLink(PeerSink sink, boolean mayWrite) {
      this.sink = sink;
      this.mayWrite = mayWrite;
    }
  }

  private record Incoming(String peerId, byte[] data, byte[] changes, SyncMessageSummary summary) {}

  private record Applied(
      byte[] pending, long mergedSeq, List<PeerError> errors, boolean reloadNeeded) {}

  private record PeerError(String peerId, Refusal refusal) {}

  /** A message for a peer; {@code fastPath} when written here rather than by Automerge's sync. */
  private record Outgoing(PeerLink link, byte[] data, boolean fastPath) {}

  /** A cycle's messages, and whether a steady peer's message was held back for a moment. */
  private record Generated(List<Outgoing> out, boolean heldBack) {}

  /**
   * What one lane task of a cycle produced: the changes to store, then the messages to deliver once
   * they are.
   */
  private record Cycle(Applied applied, Generated generated) {}

  /** The session unloaded between lookup and attach; the caller opens a fresh one. */
  public static final class SessionUnloaded extends RuntimeException {
    SessionUnloaded(String documentId) {
      super("session of " + documentId + " unloaded", null, false, false);
    }
  }
}
