package dev.minutes.sync.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The top-level keys of a protocol message the codec reads or writes, spelled as on the wire. */
enum WireField {
  TYPE("type"),
  SENDER_ID("senderId"),
  TARGET_ID("targetId"),
  PEER_METADATA("peerMetadata"),
  SELECTED_PROTOCOL_VERSION("selectedProtocolVersion"),
  SUPPORTED_PROTOCOL_VERSIONS("supportedProtocolVersions"),
  MESSAGE("message"),
  DOCUMENT_ID("documentId"),
  DATA("data"),
  COUNT("count"),
  SESSION_ID("sessionId");

  /** Keys inside {@code peerMetadata}. */
  static final String STORAGE_ID = "storageId";

  static final String IS_EPHEMERAL = "isEphemeral";

  private static final WireField[] ALL = values();

  private final String key;
  private final byte[] utf8;

  WireField(String key) {
    this.key = key;
    this.utf8 = key.getBytes(StandardCharsets.UTF_8);
  }

  String key() {
    return key;
  }

  /** The field whose key has these UTF-8 bytes, or null for a key the codec does not use. */
  static WireField forKey(byte[] keyUtf8) {
    for (WireField field : ALL) {
      if (Arrays.equals(field.utf8, keyUtf8)) {
        return field;
      }
    }
    return null;
  }
}
