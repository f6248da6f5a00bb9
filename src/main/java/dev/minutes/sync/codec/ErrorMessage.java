package dev.minutes.sync.codec;

import java.util.Objects;

/**
 * A fatal error told to a peer right before its socket is closed.
 *
 * @param targetId the peer told; {@code null} only when decoded from a frame without one
 * @param message human-readable text; {@code null} only when decoded from a frame without one
 */
public record ErrorMessage(String senderId, String targetId, String message)
    implements ProtocolMessage {

  public ErrorMessage {
    Objects.requireNonNull(senderId, "senderId");
  }

  @Override
  public String type() {
    return ERROR;
  }
}
