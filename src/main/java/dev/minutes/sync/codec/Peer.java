package dev.minutes.sync.codec;

import java.util.Objects;

/**
 * Server handshake answer to a {@link Join}.
 *
 * @param targetId the peer being answered; {@code null} only when decoded from a frame without one
 */
public record Peer(
    String senderId, String targetId, PeerMetadata peerMetadata, String selectedProtocolVersion)
    implements ProtocolMessage {

  public Peer {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(peerMetadata, "peerMetadata");
    Objects.requireNonNull(selectedProtocolVersion, "selectedProtocolVersion");
  }

  @Override
  public String type() {
    return PEER;
  }
}
