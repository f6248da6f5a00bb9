package dev.minutes.sync;

import dev.minutes.store.LogSlice;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.codec.ChangeChunk;
import dev.minutes.sync.codec.SyncMessageParts;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code that touches a document's Automerge objects: its {@link Document} and every peer's
 * {@code SyncState}. Every method runs on the document's {@link SerialLane}, one at a time; only
 * bytes and plain values leave it.
 *
 * <p>One {@link #cycle} applies what the log and the peers brought, then works out each peer's next
 * message. The session delivers those messages only once the store acknowledged the cycle's changes
 * ("acknowledged means durable"); if the cycle fails instead, the session reloads this synchronizer
 * from the store and every sync state starts over, so nothing generated here leaks.
 *
 * <p>Generation is skipped where Automerge's answer is known to be "nothing": when the heads did
 * not move, for a peer that did not speak in this cycle (a sync state changes only by receiving or
 * by the document changing); and for a peer whose every message in this cycle acknowledged exactly
 * our heads, once answered on this sync state. Steady peers are synced by the {@link FastPath}.
 */
final class Synchronizer {
  private static final Logger log = LoggerFactory.getLogger(Synchronizer.class);

  private final String documentId;
  private final AutomergeObjects natives;
  private final FastPath fastPath;
  private final DocumentSize size;
  private final SyncMetrics metrics;

  /** Created once the document first loaded; closed when it unloads. */
  private DocumentMeters meters;

  /** Owner: this synchronizer; freed by {@link #unload} or a {@link #reload}. */
  private Document document;

  /** The heads at the last generation; null makes the next one ask every peer's sync state. */
  private ChangeHash[] generatedHeads;

  /** The last {@code save()} for joiners, and the heads it was taken at. */
  private byte[] saved;

  private ChangeHash[] savedAt;

  /** Set by {@link #unload}: a reload that was already on its way must not load again. */
  private boolean unloaded;

  /** The document's peers, replaced by the session on its context, read here. */
  private volatile List<PeerLink> peers = List.of();

  Synchronizer(
      String documentId, AutomergeObjects natives, SyncMetrics metrics, SessionSettings settings) {
    this.documentId = documentId;
    this.natives = natives;
    this.fastPath = new FastPath(documentId, metrics, settings.batchWindow().toNanos());
    this.size = new DocumentSize(documentId, settings.limits());
    this.metrics = metrics;
  }

  /** Context: the session's peers changed (the lane task that follows sees the new list). */
  void peersChanged(List<PeerLink> current) {
    peers = List.copyOf(current);
  }

  /** Loads the stored document (snapshot, then log entries). */
  void load(StoredDocument stored) {
    long started = System.nanoTime();
    document = natives.load(stored.snapshot());
    try {
      for (byte[] change : stored.changes()) {
        document.applyEncodedChanges(change);
      }
    } catch (RuntimeException e) {
      natives.free(document);
      document = null;
      throw e;
    }
    size.loaded(document, stored.snapshot(), stored.changes());
    if (meters == null) {
      meters = metrics.document(documentId);
    }
    meters.update(size.bodyChars(), size.changes(), size.inserted());
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
   * One cycle: merges stored entries from the log, applies the peers' messages, then works out each
   * peer's next message (none when a rejected message left unstored changes behind).
   */
  Cycle cycle(Optional<LogSlice> slice, List<Incoming> batch) {
    if (document == null) {
      throw new DocumentSession.SessionUnloaded(documentId);
    }
    Applied applied = apply(slice, batch);
    meters.update(size.bodyChars(), size.changes(), size.inserted());
    Generated generated =
        applied.reloadNeeded() ? new Generated(List.of(), false) : generate(applied.toAnswer());
    return new Cycle(applied, generated);
  }

  /** A new snapshot for compaction; the history it holds is counted again. */
  byte[] save() {
    byte[] snapshot = document.save();
    size.compacted(snapshot);
    return snapshot;
  }

  /** A fresh sync state for a peer that joined (freeing the one of its previous link, if any). */
  void attach(PeerLink link, PeerLink previous) {
    if (previous != null) {
      natives.free(previous.state);
    }
    link.state = natives.newSyncState();
  }

  void detach(PeerLink link) {
    natives.free(link.state);
    link.state = null;
  }

  /**
   * Peers that were sent the stored document while it loaded ({@link ColdStart}), told it has
   * {@code heads}. When those are the loaded document's heads, the peers hold exactly what a whole
   * document sent here would have given them, and go on the fast path; otherwise (the log held a
   * change before its dependency, say) they stay on Automerge's sync, which finds out what they
   * hold from their next message.
   */
  void joinedFromStored(List<PeerLink> links, List<byte[]> heads) {
    boolean exact = Heads.same(heads, document.getHeads());
    for (PeerLink link : links) {
      if (link.state == null || peer(link.peerId()) != link) {
        continue; // left, or joined again on another socket, while the document loaded
      }
      // Its latest message (the one answered) held nothing, as for a whole document sent here.
      link.lastHeads = List.of();
      if (exact) {
        link.answered = true;
        fastPath.joined(link);
      } else {
        log.info(
            "document {}: peer {} was told heads the loaded document does not have; it resyncs",
            documentId,
            link.peerId());
      }
    }
  }

  /**
   * Drops the document (which may hold changes that were never stored) and every sync state, and
   * loads {@code stored} instead; returns the last sequence number it holds.
   */
  long reload(Optional<StoredDocument> stored) {
    if (unloaded) {
      return 0;
    }
    natives.free(document);
    document = null;
    forgetDerived();
    stored.ifPresent(this::load);
    for (PeerLink link : peers) {
      resetPeer(link);
    }
    return stored.map(StoredDocument::lastSeq).orElse(0L);
  }

  /**
   * Lane: what {@code reader} makes of the document; the reader must keep neither the document nor
   * any native object made from it.
   */
  <T> T read(Function<Document, T> reader) {
    if (document == null) {
      throw new DocumentSession.SessionUnloaded(documentId);
    }
    return reader.apply(document);
  }

  /** The digest of the document, or null when it cannot be made (never fails the caller). */
  byte[] digest(DocumentDigest digest) {
    if (document == null) {
      return null;
    }
    try {
      return digest.of(document);
    } catch (RuntimeException e) {
      log.warn("document {}: no digest kept", documentId, e);
      return null;
    }
  }

  /** Frees everything: the document and the sync states of {@code remaining} peers. */
  void unload(List<PeerLink> remaining) {
    unloaded = true;
    if (meters != null) {
      meters.close();
    }
    for (PeerLink link : remaining) {
      detach(link);
    }
    natives.free(document);
    document = null;
    forgetDerived();
  }

  private void forgetDerived() {
    generatedHeads = null;
    saved = null;
    savedAt = null;
    fastPath.clear();
  }

  // ---- applying ----

  private Applied apply(Optional<LogSlice> slice, List<Incoming> batch) {
    slice.ifPresent(this::mergeStored);
    List<PeerError> errors = new ArrayList<>();
    List<Incoming> toAnswer = new ArrayList<>();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    boolean reloadNeeded = false;
    List<ChangeChunk> direct = new ArrayList<>();
    List<String> directOrigins = new ArrayList<>();
    for (Incoming in : batch) {
      PeerLink link = peer(in.peerId());
      if (link == null || link.state == null) {
        continue;
      }
      link.lastHeads = in.summary().heads();
      Optional<Refusal> tooLarge =
          in.changes().length == 0 ? Optional.empty() : size.admit(in.changes());
      if (tooLarge.isPresent()) {
        // Dropped as if never sent: no reset and no answer, or the peer's client would send the
        // same changes straight back. It sends them again with its next edit.
        errors.add(new PeerError(in.peerId(), tooLarge.get()));
        continue;
      }
      if (link.steady && !FastPath.isChangesAndHeads(in.data())) {
        log.debug(
            "document {}: peer {} sent more than changes and heads (need {}, changes {})",
            documentId,
            in.peerId(),
            in.summary().needCount(),
            in.summary().changeCount());
        resetPeer(link);
      }
      ChangeHash[] before = in.changes().length > 0 ? document.getHeads() : null;
      try {
        if (link.steady) {
          if (before != null) {
            document.applyEncodedChanges(in.changes()); // every kind of chunk in one call
          }
          for (ChangeChunk change : readable(in.changes(), before)) {
            direct.add(change);
            directOrigins.add(in.peerId());
          }
        } else {
          document.receiveSyncMessage(link.state, in.data());
          rememberForSteadyPeers(in.changes(), before, in.peerId());
        }
        pending.writeBytes(in.changes());
      } catch (RuntimeException e) {
        // The binding's AutomergeException is package-private: any RuntimeException here is bad
        // client bytes. Automerge parses a message fully before applying it, so a rejected one
        // normally changes nothing; if it did change the document, those changes are not stored.
        errors.add(new PeerError(in.peerId(), rejected(e)));
        resetPeer(link);
        reloadNeeded |= before != null && !Arrays.equals(before, document.getHeads());
        toAnswer.add(in); // from scratch: its fresh sync state answers it
        continue;
      }
      toAnswer.add(in);
      if (before != null && size.grewPastLimit(document)) {
        // Admission estimated what a whole document adds; it held more. Nothing of it is kept.
        errors.add(new PeerError(in.peerId(), size.grewPastLimitRefusal()));
        reloadNeeded = true;
      }
    }
    for (int i = 0; i < direct.size(); i++) {
      fastPath.remember(direct.get(i), directOrigins.get(i));
    }
    if (!direct.isEmpty() && !FastPath.allApplied(direct, document.getHeads())) {
      // A change waits for a dependency, or was a duplicate: Automerge's own sync sorts it out.
      log.debug(
          "document {}: a directly applied change is not in the document; its senders resync",
          documentId);
      new HashSet<>(directOrigins)
          .stream().map(this::peer).filter(link -> link != null).forEach(this::resetPeer);
    }
    return new Applied(
        pending.size() == 0 ? null : pending.toByteArray(),
        slice.map(LogSlice::lastSeq).orElse(-1L),
        errors,
        toAnswer,
        reloadNeeded);
  }

  /** The changes of chunks just applied; none (and every steady peer resyncs) when unreadable. */
  private List<ChangeChunk> readable(byte[] chunks, ChangeHash[] before) {
    Optional<List<ChangeChunk>> changes = fastPath.changesOf(document, chunks, before);
    if (changes.isEmpty()) {
      resetSteadyPeers();
    }
    return changes.orElse(List.of());
  }

  private Refusal rejected(RuntimeException e) {
    return new Refusal(
        Refusal.Reason.SYNC_REJECTED,
        "Automerge rejected the sync message for " + documentId + ": " + e.getMessage());
  }

  /** Changes that arrived another way (Automerge's sync, the log) go to steady peers too. */
  private void rememberForSteadyPeers(byte[] chunks, ChangeHash[] before, String origin) {
    if (chunks.length == 0 || !FastPath.hasSteady(peers)) {
      return;
    }
    for (ChangeChunk change : readable(chunks, before)) {
      fastPath.remember(change, origin);
    }
  }

  private void mergeStored(LogSlice slice) {
    slice.snapshot().ifPresent(document::applyEncodedChanges);
    boolean passOn = slice.snapshot().isEmpty() && FastPath.hasSteady(peers);
    for (byte[] entry : slice.changes()) {
      ChangeHash[] before = passOn ? document.getHeads() : null;
      document.applyEncodedChanges(entry);
      size.merged(entry);
      if (passOn) {
        rememberForSteadyPeers(entry, before, null);
      }
    }
    if (slice.snapshot().isPresent()) {
      size.compacted(slice.snapshot().get());
      resetSteadyPeers(); // a compaction happened meanwhile: which changes are new is unknown here
    }
  }

  /** Back to Automerge's own sync for this peer, from scratch (a full bloom-filter exchange). */
  private void resetPeer(PeerLink link) {
    fastPath.leave(link);
    natives.free(link.state);
    link.state = natives.newSyncState();
    link.answered = false;
  }

  private void resetSteadyPeers() {
    for (PeerLink link : peers) {
      if (link.steady && link.state != null) {
        resetPeer(link);
      }
    }
  }

  private PeerLink peer(String peerId) {
    for (PeerLink link : peers) {
      if (link.peerId().equals(peerId)) {
        return link;
      }
    }
    return null;
  }

  // ---- generating ----

  private Generated generate(List<Incoming> batch) {
    List<Outgoing> out = new ArrayList<>();
    long now = System.nanoTime();
    boolean heldBack = false;
    ChangeHash[] heads = document.getHeads();
    Map<String, Spoke> senders = senders(batch, heads);
    boolean headsMoved = generatedHeads == null || !Heads.same(heads, generatedHeads);
    generatedHeads = heads;
    List<byte[]> headBytes = Heads.bytes(heads);
    for (PeerLink link : peers) {
      if (link.state == null) {
        continue;
      }
      Spoke spoke = senders.get(link.peerId());
      if (link.steady) {
        FastPath.Steady steady =
            fastPath.messageFor(link, spoke != null && spoke.sentChanges(), headBytes, now);
        heldBack |= steady.heldBack();
        if (steady.message() != null) {
          out.add(steady.message());
        }
        continue;
      }
      if (link.lastHeads == null) {
        continue; // attached but not heard yet: its first message will say what it holds
      }
      if (!link.answered && link.lastHeads.isEmpty() && heads.length > 0) {
        // A peer that holds nothing (a late joiner, a fresh tab) gets the whole document at once;
        // it will hold exactly these heads, so it goes on the fast path without waiting for a
        // quiet moment (which a meeting in full swing may not have).
        byte[] whole = SyncMessageParts.writeDocument(headBytes, savedDocument(heads));
        out.add(new Outgoing(link, whole, false));
        link.answered = true;
        fastPath.joined(link);
        log.debug(
            "document {}: peer {} joined with nothing, sent the whole document; now on the fast"
                + " path",
            documentId,
            link.peerId());
        continue;
      }
      if (!headsMoved && (spoke == null || (spoke.onlyAcknowledged() && link.answered))) {
        fastPath.becomeSteadyIfInSync(link, heads);
        continue;
      }
      Optional<byte[]> message = document.generateSyncMessage(link.state);
      if (message.isPresent()) {
        link.answered = true;
        out.add(new Outgoing(link, message.get(), false));
      } else {
        fastPath.becomeSteadyIfInSync(link, heads);
      }
    }
    fastPath.forgetSent(peers);
    return new Generated(out, heldBack);
  }

  /** The saved document at {@code heads}, kept while the heads stay (joiners come together). */
  private byte[] savedDocument(ChangeHash[] heads) {
    if (savedAt == null || !Heads.same(savedAt, heads)) {
      saved = document.save();
      savedAt = heads;
    }
    return saved;
  }

  /**
   * Per peer that spoke in the batch: whether all it said was "I hold exactly your heads", and
   * whether it sent changes.
   */
  private static Map<String, Spoke> senders(List<Incoming> batch, ChangeHash[] heads) {
    Map<String, Spoke> senders = new HashMap<>();
    for (Incoming in : batch) {
      boolean acknowledgement =
          in.summary().changeCount() == 0
              && in.summary().needCount() == 0
              && Heads.same(in.summary().heads(), heads);
      senders.merge(
          in.peerId(), new Spoke(acknowledgement, in.summary().changeCount() > 0), Spoke::and);
    }
    return senders;
  }

  /** What a peer said in one cycle. */
  private record Spoke(boolean onlyAcknowledged, boolean sentChanges) {
    Spoke and(Spoke other) {
      return new Spoke(
          onlyAcknowledged && other.onlyAcknowledged, sentChanges || other.sentChanges);
    }
  }

  /** A peer's message was refused while applying. */
  record PeerError(String peerId, Refusal refusal) {}

  /**
   * What applying produced: the change chunks to store (null when none), the last log sequence
   * number merged (-1 when no log was read), refusals, the messages to answer (all but those
   * refused for the size limits), and whether unstored changes were left in memory (then the
   * session must reload).
   */
  record Applied(
      byte[] pending,
      long mergedSeq,
      List<PeerError> errors,
      List<Incoming> toAnswer,
      boolean reloadNeeded) {}

  /** A cycle's messages, and whether a steady peer's message was held back for a moment. */
  record Generated(List<Outgoing> out, boolean heldBack) {}

  /** What one cycle produced: the changes to store, then the messages to deliver once they are. */
  record Cycle(Applied applied, Generated generated) {}
}
