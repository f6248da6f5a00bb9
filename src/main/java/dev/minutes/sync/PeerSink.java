package dev.minutes.sync;

import dev.minutes.sync.codec.Ephemeral;

/** What a document session may do with one connected peer: send it messages. Thread safe. */
public interface PeerSink {
  String peerId();

  /** Sends a sync message for a document from this server. */
  void sendSync(String documentId, byte[] data);

  /** Forwards a presence message (its sender stays the original peer). */
  void sendEphemeral(Ephemeral message);

  /**
   * Reports a refusal to the peer (protocol error message), closing the socket when the reason
   * demands it.
   */
  void refuse(Refusal refusal);

  /**
   * Closes the connection so that the peer syncs {@code documentId} from scratch on a new one. Its
   * client remembers having sent changes that this server dropped unstored (a failed cycle), and
   * Automerge never sends a change twice on one sync state: on the same socket the two sides would
   * ask and answer each other without end.
   */
  void restartSync(String documentId);
}
