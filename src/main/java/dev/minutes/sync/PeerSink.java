package dev.minutes.sync;

import dev.minutes.sync.codec.ProtocolMessage;

/** What a document session may do with one connected peer: send it messages. Thread safe. */
public interface PeerSink {
  String peerId();

  /** Sends one protocol message; the sink fills in sender and target. */
  void send(ProtocolMessage message);

  /** Reports a refusal to the peer (protocol error message), closing the socket when the reason demands it. */
  void refuse(Refusal refusal);
}
