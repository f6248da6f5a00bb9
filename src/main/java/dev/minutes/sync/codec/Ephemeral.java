package dev.minutes.sync.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * Presence or cursor data, forwarded to the other peers of a document and never stored.
 *
 * @param targetId the receiving peer; {@code null} only when decoded from a frame without one
 * @param count per-session sequence number, never negative; a server drops a message whose count is
 *     not above the highest seen for {@code senderId:sessionId}
 * @param sessionId the sender's Repo session
 * @param data CBOR of an application value, never empty, never interpreted by the server; not
 *     copied (see {@link ProtocolMessage})
 */
public record Ephemeral(
    String senderId, String targetId, String documentId, long count, String sessionId, byte[] data)
    implements ProtocolMessage {

  public Ephemeral {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(sessionId, "sessionId");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    MessageBytes.requireNonEmpty(data);
  }

  /**
   * The same message addressed to another peer: how a server forwards it (every other field
   * unchanged).
   */
  public Ephemeral withTargetId(String newTargetId) {
    return new Ephemeral(senderId, newTargetId, documentId, count, sessionId, data);
  }

  @Override
  public String type() {
    return EPHEMERAL;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Ephemeral that
        && senderId.equals(that.senderId)
        && Objects.equals(targetId, that.targetId)
        && documentId.equals(that.documentId)
        && count == that.count
        && sessionId.equals(that.sessionId)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(senderId, targetId, documentId, count, sessionId, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Ephemeral[senderId="
        + senderId
        + ", targetId="
        + targetId
        + ", documentId="
        + documentId
        + ", count="
        + count
        + ", sessionId="
        + sessionId
        + ", data="
        + MessageBytes.describe(data)
        + "]";
  }
}
