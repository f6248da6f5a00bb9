package dev.minutes.sync;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.automerge.SyncState;

/**
 * One peer of one document. The session creates it on its context ({@code sink}, {@code mayWrite});
 * everything else is the synchronizer's bookkeeping, written and read on the document's lane only,
 * except {@link #steady}, which the session also reads on its context.
 */
final class PeerLink {
  final PeerSink sink;
  final boolean mayWrite;

  /** Context: the refusals this peer was warned about in the log (repeats are logged at debug). */
  final Set<Refusal.Reason> refusalsLogged = EnumSet.noneOf(Refusal.Reason.class);

  /** Owner: the document's {@link Synchronizer}; created and freed on the lane. */
  volatile SyncState state;

  /** Whether a message was generated on the current {@code state} (Automerge's have_responded). */
  boolean answered;

  /**
   * Synced by the {@link FastPath}: it holds every change of the recent changes before {@code
   * sentUpTo}. Written on the lane; the session reads it on its context to drop a steady peer's
   * acknowledgements (a stale read costs one cycle, or one ignored acknowledgement of a peer that
   * Automerge's sync answers again anyway).
   */
  volatile boolean steady;

  long sentUpTo;

  /** When it was last sent a message; and whether changes it sent still await acknowledgement. */
  long lastSentNanos = Long.MIN_VALUE / 2;

  boolean owesAcknowledgement;

  /** The heads of its latest message. */
  List<byte[]> lastHeads;

  PeerLink(PeerSink sink, boolean mayWrite) {
    this.sink = sink;
    this.mayWrite = mayWrite;
  }

  String peerId() {
    return sink.peerId();
  }
}
