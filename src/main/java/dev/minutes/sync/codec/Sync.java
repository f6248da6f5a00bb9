package dev.minutes.sync.codec;

/**
 * An Automerge sync message for one document.
 *
 * @param targetId the receiving peer; {@code null} only when decoded from a frame without one
 * @param data the Automerge sync message, never empty; not copied (see {@link ProtocolMessage})
 */
public record Sync(String senderId, String targetId, String documentId, byte[] data)
    implements ProtocolMessage, DocumentData {

  public Sync {
    DocumentData.check(senderId, documentId, data);
  }

  @Override
  public String type() {
    return SYNC;
  }

  @Override
  public boolean equals(Object other) {
    return DocumentData.equal(this, other);
  }

  @Override
  public int hashCode() {
    return DocumentData.hash(this);
  }

  @Override
  public String toString() {
    return DocumentData.describe(this);
  }
}
