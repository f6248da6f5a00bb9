package dev.minutes.sync;

import dev.minutes.sync.codec.Ephemeral;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forwards one document's presence messages (names, cursors) to its peers and to the other nodes,
 * each message once, within a per-document budget. Confined to the session's context.
 *
 * <p>Clients re-forward what they receive, so a message whose count is not above the highest seen
 * for its sender session is an echo and is dropped. Every page load is a new sender session and a
 * client may invent session ids: beyond {@link #SENDERS_KEPT} the least recently heard is forgotten
 * (a replay of its messages then passes once more; presence is best effort).
 */
final class PresenceRelay {
  static final int SENDERS_KEPT = 1_024;

  private final EphemeralRelay otherNodes;
  private final SyncMetrics metrics;
  private final MessageRate budget;

  /** Highest count per sender session ({@code senderId:sessionId}), least recently heard first. */
  private final Map<String, Long> highestCounts =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > SENDERS_KEPT;
        }
      };

  PresenceRelay(int perSecond, EphemeralRelay otherNodes, SyncMetrics metrics) {
    this.otherNodes = otherNodes;
    this.metrics = metrics;
    this.budget = new MessageRate(perSecond, System.nanoTime());
  }

  /**
   * Sends {@code message} to every peer but its sender, and to the other nodes unless it came from
   * one ({@code fromOtherNode}).
   */
  void forward(Ephemeral message, boolean fromOtherNode, Collection<PeerLink> peers) {
    String sender = message.senderId() + ":" + message.sessionId();
    Long highest = highestCounts.get(sender);
    if (highest != null && message.count() <= highest) {
      return;
    }
    highestCounts.put(sender, message.count());
    if (!budget.tryAcquire(System.nanoTime())) {
      // The per-connection limit alone would let many connections (or reconnecting ones, each
      // with a fresh allowance) multiply into every peer's socket.
      metrics.presenceDropped();
      return;
    }
    if (!fromOtherNode) {
      otherNodes.publish(message);
    }
    for (PeerLink link : peers) {
      if (!link.peerId().equals(message.senderId())) {
        link.sink.sendEphemeral(message.withTargetId(link.peerId()));
      }
    }
  }

  int sendersTracked() {
    return highestCounts.size();
  }
}
