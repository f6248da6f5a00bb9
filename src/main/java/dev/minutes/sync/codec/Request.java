package dev.minutes.sync.codec;

/** A sync message from a peer that has no copy of the document and asks for it. */
public final class Request extends DocumentData implements ProtocolMessage {

  public Request(String senderId, String targetId, String documentId, byte[] data) {
    super(senderId, targetId, documentId, data);
  }

  @Override
  public String type() {
    return REQUEST;
  }
}
