package dev.minutes.sync;

import dev.minutes.sync.codec.Ephemeral;

/**
 * Carries presence messages to the other nodes that hold the same document. Presence is never
 * stored, and a lost message is harmless (clients send heartbeats), so a best-effort bus is enough.
 */
public interface EphemeralRelay {
  /** Sends a message that a peer of this node sent, to every other node. */
  void publish(Ephemeral message);

  /** For a single node: nothing to relay. */
  EphemeralRelay NONE = message -> {};
}
