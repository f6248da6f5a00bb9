package dev.minutes.sync;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which socket each joined peer uses on this node, so a peer joining again replaces its older
 * socket.
 */
public final class PeerDirectory {
  private final Map<String, PeerConnection> byPeerId = new ConcurrentHashMap<>();

  /** Registers the connection and returns the one it replaces, if any. */
  PeerConnection register(String peerId, PeerConnection connection) {
    return byPeerId.put(peerId, connection);
  }

  void unregister(String peerId, PeerConnection connection) {
    byPeerId.remove(peerId, connection);
  }

  public int connections() {
    return byPeerId.size();
  }

  /** Every connection, for a graceful shutdown. */
  public Iterable<PeerConnection> all() {
    return byPeerId.values();
  }
}
