package dev.minutes.sync.codec;

import java.util.List;
import java.util.Objects;

/**
 * Client handshake: the first message on every socket.
 *
 * @param peerMetadata never null; {@link PeerMetadata#UNKNOWN} when the frame had none
 * @param supportedProtocolVersions the versions the client speaks, or {@code null} when the field
 *     was absent (which means {@code "1"} by the protocol)
 */
public record Join(
    String senderId, PeerMetadata peerMetadata, List<String> supportedProtocolVersions)
    implements ProtocolMessage {

  public Join {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(peerMetadata, "peerMetadata");
    supportedProtocolVersions =
        supportedProtocolVersions == null ? null : List.copyOf(supportedProtocolVersions);
  }

  @Override
  public String type() {
    return JOIN;
  }
}
