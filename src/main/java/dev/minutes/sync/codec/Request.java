package dev.minutes.sync.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * A sync message from a peer that has no copy of the document and asks for it.
 *
 * @param targetId the receiving peer; {@code null} only when decoded from a frame without one
 * @param data the Automerge sync message, never empty; not copied (see {@link ProtocolMessage})
 */
public record Request(String senderId, String targetId, String documentId, byte[] data)
    implements ProtocolMessage {

  public Request {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(documentId, "documentId");
    MessageBytes.requireNonEmpty(data);
  }

  @Override
  public String type() {
    return REQUEST;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Request that
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
    return "Request[senderId="
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
