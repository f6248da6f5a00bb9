package dev.minutes.sync.codec;

/** An Automerge sync message for one document. */
public final class Sync extends DocumentData implements ProtocolMessage {

  public Sync(String senderId, String targetId, String documentId, byte[] data) {
    super(senderId, targetId, documentId, data);
  }

  @Override
  public String type() {
    return SYNC;
  }
}
