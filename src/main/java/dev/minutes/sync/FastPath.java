package dev.minutes.sync;

import dev.minutes.sync.codec.ChangeChunk;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.SyncMessageParts;
import dev.minutes.sync.codec.SyncMessageSummary;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast sync path for steady peers: a peer that held exactly the document's heads while
 * Automerge had nothing left for it is synced here, without its {@code SyncState}. Confined to the
 * document's lane.
 *
 * <p>Why: automerge 0.5's sync walks the whole change history on every receive and generate (it
 * computes a clock of the last sync heads), so in a long meeting each call costs more than the
 * last; applying a change does not. A steady peer's changes are applied directly and kept in {@link
 * RecentChanges} for the others; each steady peer is sent our heads, a {@code have} meaning
 * "exactly these heads", and the recent changes it lacks, at most once per batch window. Clients of
 * either message version qualify. A message that is anything but changes and heads (a need, a
 * reset, unreadable bytes) puts its peer back on Automerge's own sync with a fresh sync state.
 */
final class FastPath {
  private static final Logger log = LoggerFactory.getLogger(FastPath.class);

  private final String documentId;
  private final SyncMetrics metrics;
  private final long batchWindowNanos;
  private final RecentChanges recent = new RecentChanges();

  FastPath(String documentId, SyncMetrics metrics, long batchWindowNanos) {
    this.documentId = documentId;
    this.metrics = metrics;
    this.batchWindowNanos = batchWindowNanos;
  }

  /** No changes, no need, and not a reset (a {@code have} with an empty last sync). */
  static boolean isPlainAcknowledgement(SyncMessageSummary summary, byte[] data) {
    if (summary.changeCount() > 0 || summary.needCount() > 0) {
      return false;
    }
    try {
      return !SyncMessageParts.read(data).lastSyncs().contains(0);
    } catch (MalformedMessageException e) {
      return false;
    }
  }

  /** Nothing but changes and heads: no need, no reset (else Automerge's own sync must answer). */
  static boolean isChangesAndHeads(byte[] data) {
    try {
      SyncMessageParts parts = SyncMessageParts.read(data);
      return parts.needCount() == 0 && !parts.lastSyncs().contains(0);
    } catch (MalformedMessageException e) {
      log.debug("sync message not for the fast path: {}", e.getMessage());
      return false;
    }
  }

  static boolean hasSteady(List<PeerLink> peers) {
    return peers.stream().anyMatch(link -> link.steady);
  }

  /**
   * The changes that {@code chunks}, just applied on top of {@code before}, brought; empty when
   * they cannot be read here, and then steady peers must resync. Plain change chunks (automerge 3
   * puts several in one) are read here; a chunk only Automerge reads (a whole saved document, which
   * automerge 3 sends while it believes the other side holds nothing, or a compressed change) is
   * read back from the document with one {@code encodeChangesSince}, rare by nature.
   */
  Optional<List<ChangeChunk>> changesOf(Document document, byte[] chunks, ChangeHash[] before) {
    if (chunks.length == 0) {
      return Optional.of(List.of());
    }
    try {
      return Optional.of(ChangeChunk.splitAll(chunks));
    } catch (MalformedMessageException notPlain) {
      return changesSince(document, before);
    }
  }

  private Optional<List<ChangeChunk>> changesSince(Document document, ChangeHash[] before) {
    if (before == null || Arrays.equals(before, document.getHeads())) {
      return Optional.of(List.of());
    }
    try {
      return Optional.of(ChangeChunk.splitAll(document.encodeChangesSince(before)));
    } catch (MalformedMessageException e) {
      log.debug(
          "document {}: new changes not readable here ({}); steady peers resync",
          documentId,
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Keeps a change for the steady peers that lack it; {@code origin} null when not a peer's. */
  void remember(ChangeChunk change, String origin) {
    recent.add(change, origin);
  }

  /**
   * Whether every directly applied change is now in the document: each is a head or a dependency of
   * a later one of the batch that is. One whose dependencies are missing waits in Automerge's
   * queue, and its sender must go back to Automerge's sync.
   */
  static boolean allApplied(List<ChangeChunk> changes, ChangeHash[] heads) {
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

  /**
   * The next message for a steady peer, or null: one when there are recent changes it lacks or when
   * it sent changes (the acknowledgement that tells it they are stored), at most one per batch
   * window; what is held back goes with the next one ({@code heldBack}).
   */
  Steady messageFor(PeerLink link, boolean sentChanges, List<byte[]> heads, long now) {
    link.owesAcknowledgement |= sentChanges;
    if (link.sentUpTo == recent.end() && !link.owesAcknowledgement) {
      return Steady.NOTHING;
    }
    if (now - link.lastSentNanos < batchWindowNanos) {
      return Steady.HELD_BACK;
    }
    List<byte[]> missing = recent.since(link.sentUpTo, link.peerId());
    link.sentUpTo = recent.end();
    if (missing.isEmpty() && !link.owesAcknowledgement) {
      return Steady.NOTHING;
    }
    link.lastSentNanos = now;
    link.owesAcknowledgement = false;
    return new Steady(new Outgoing(link, SyncMessageParts.write(heads, missing), true), false);
  }

  /** A peer that holds exactly these heads from now on (it was just sent the whole document). */
  void joined(PeerLink link) {
    link.steady = true;
    link.sentUpTo = recent.end();
  }

  /** A peer in sync (holds our heads, Automerge has nothing for it): the fast path from now on. */
  void becomeSteadyIfInSync(PeerLink link, ChangeHash[] heads) {
    if (link.answered && link.lastHeads != null && Heads.same(link.lastHeads, heads)) {
      joined(link);
      log.debug("document {}: peer {} is in sync, now on the fast path", documentId, link.peerId());
    }
  }

  /** The peer goes back to Automerge's sync (the caller gives it a fresh sync state). */
  void leave(PeerLink link) {
    if (link.steady) {
      metrics.fastPathExit();
      log.debug("document {}: peer {} back on Automerge's sync", documentId, link.peerId());
    }
    link.steady = false;
    link.owesAcknowledgement = false;
  }

  /** Forgets the changes every steady peer has been sent. */
  void forgetSent(List<PeerLink> peers) {
    long oldestNeeded = recent.end();
    for (PeerLink link : peers) {
      if (link.steady) {
        oldestNeeded = Math.min(oldestNeeded, link.sentUpTo);
      }
    }
    recent.dropBefore(oldestNeeded);
  }

  void clear() {
    recent.dropBefore(recent.end());
  }

  /** What {@link #messageFor} decided: a message, nothing, or nothing yet (held back). */
  record Steady(Outgoing message, boolean heldBack) {
    static final Steady NOTHING = new Steady(null, false);
    static final Steady HELD_BACK = new Steady(null, true);
  }
}
