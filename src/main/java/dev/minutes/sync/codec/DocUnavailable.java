package dev.minutes.sync.codec;

import java.util.Objects;

/**
 * "I do not have this document and cannot get it."
 *
 * @param targetId the peer told; {@code null} only when decoded from a frame without one
 */
public record DocUnavailable(String senderId, String targetId, String documentId)
    implements ProtocolMessage {

  public DocUnavailable {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(documentId, "documentId");
  }

  @Override
  public String type() {
    return DOC_UNAVAILABLE;
  }
}
