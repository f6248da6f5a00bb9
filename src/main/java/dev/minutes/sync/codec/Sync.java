package dev.minutes.sync.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * An Automerge sync message for one document.
 *
 * @param targetId the receiving peer; {@code null} only when decoded from a frame without one
 * @param data the Automerge sync message, never empty; not copied (see {@link ProtocolMessage})
 */
public record Sync(String senderId, String targetId, String documentId, byte[] data)
    implements ProtocolMessage {

  public Sync {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(documentId, "documentId");
    MessageBytes.requireNonEmpty(data);
  }

  @Override
  public String type() {
    return SYNC;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Sync that
        && senderId.equals(that.senderId)
        && Objects.equals(targetId, that.targetId)
        && documentId.equals(that.documentId)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(senderId, targetId, documentId, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Sync[senderId="
        + senderId
        + ", targetId="
        + targetId
        + ", documentId="
        + documentId
        + ", data="
        + MessageBytes.describe(data)
        + "]";
  }
}
