package dev.minutes.sync.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Sync} and {@link Request} both carry: an Automerge sync message for one document.
 * Value equality compares the bytes (a record would compare the array by identity), and the
 * description never prints the (user content) bytes.
 */
abstract sealed class DocumentData permits Sync, Request {
  private final String senderId;
  private final String targetId;
  private final String documentId;
  private final byte[] data;

  /**
   * @param targetId the receiving peer; {@code null} only when decoded from a frame without one
   * @param data the Automerge sync message, never empty; not copied (see {@link ProtocolMessage})
   */
  DocumentData(String senderId, String targetId, String documentId, byte[] data) {
    this.senderId = Objects.requireNonNull(senderId, "senderId");
    this.targetId = targetId;
    this.documentId = Objects.requireNonNull(documentId, "documentId");
    MessageBytes.requireNonEmpty(data);
    this.data = data;
  }

  public String senderId() {
    return senderId;
  }

  public String targetId() {
    return targetId;
  }

  public String documentId() {
    return documentId;
  }

  public byte[] data() {
    return data;
  }

  @Override
  public final boolean equals(Object other) {
    return other != null
        && other.getClass() == getClass()
        && other instanceof DocumentData b
        && senderId.equals(b.senderId)
        && Objects.equals(targetId, b.targetId)
        && documentId.equals(b.documentId)
        && Arrays.equals(data, b.data);
  }

  @Override
  public final int hashCode() {
    return Objects.hash(senderId, targetId, documentId, Arrays.hashCode(data));
  }

  @Override
  public final String toString() {
    return getClass().getSimpleName()
        + "[senderId="
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
