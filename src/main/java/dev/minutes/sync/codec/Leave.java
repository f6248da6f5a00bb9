package dev.minutes.sync.codec;

import java.util.Objects;

/** Sent by automerge-repo 1.x clients on disconnect; to be treated as a close. */
public record Leave(String senderId) implements ProtocolMessage {

  public Leave {
    Objects.requireNonNull(senderId, "senderId");
  }

  @Override
  public String type() {
    return LEAVE;
  }
}
