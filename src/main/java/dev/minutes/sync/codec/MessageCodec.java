package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.WireField.COUNT;
import static dev.minutes.sync.codec.WireField.DATA;
import static dev.minutes.sync.codec.WireField.DOCUMENT_ID;
import static dev.minutes.sync.codec.WireField.MESSAGE;
import static dev.minutes.sync.codec.WireField.PEER_METADATA;
import static dev.minutes.sync.codec.WireField.SELECTED_PROTOCOL_VERSION;
import static dev.minutes.sync.codec.WireField.SENDER_ID;
import static dev.minutes.sync.codec.WireField.SESSION_ID;
import static dev.minutes.sync.codec.WireField.SUPPORTED_PROTOCOL_VERSIONS;
import static dev.minutes.sync.codec.WireField.TARGET_ID;
import static dev.minutes.sync.codec.WireField.TYPE;

import java.util.Objects;

/**
 * Converts between one binary WebSocket frame (one CBOR map, as written by cbor-x in
 * automerge-repo) and a {@link ProtocolMessage}.
 *
 * <p>Decoding is liberal in form and strict in content. It accepts any well-formed CBOR encoding of
 * the map: 16-bit or indefinite-length headers, keys in any order, unknown keys, {@code undefined}
 * ({@code f7}) and {@code null} for absent values, numbers as integers or floats, byte strings with
 * or without a Uint8Array typed-array tag. It refuses, with a {@link MalformedMessageException}
 * naming the problem, anything that is not exactly one CBOR map, or lacks a field its type needs,
 * or has a field of the wrong type, or a documentId that is not a valid base58check id.
 *
 * <p>Encoding writes definite-length maps with text keys, plain byte strings and integer counts,
 * and leaves out fields whose value is null.
 */
public final class MessageCodec {

  private MessageCodec() {}

  /**
   * Decodes one frame.
   *
   * @throws MalformedMessageException if the frame is not a well-formed protocol message
   */
  public static ProtocolMessage decode(byte[] frame) {
    Objects.requireNonNull(frame, "frame");
    FrameFields fields = FrameFields.index(frame);
    String type = fields.requiredText(TYPE);
    String senderId = fields.requiredText(SENDER_ID);
    if (senderId.isEmpty()) {
      throw new MalformedMessageException("empty senderId");
    }
    return switch (type) {
      case ProtocolMessage.JOIN ->
          new Join(
              senderId,
              fields.peerMetadata(),
              fields.optionalTextList(SUPPORTED_PROTOCOL_VERSIONS));
      case ProtocolMessage.PEER ->
          new Peer(
              senderId,
              fields.optionalText(TARGET_ID),
              fields.peerMetadata(),
              fields.requiredText(SELECTED_PROTOCOL_VERSION));
      case ProtocolMessage.ERROR ->
          new ErrorMessage(senderId, fields.optionalText(TARGET_ID), fields.optionalText(MESSAGE));
      case ProtocolMessage.LEAVE -> new Leave(senderId);
      case ProtocolMessage.SYNC ->
          new Sync(
              senderId,
              fields.optionalText(TARGET_ID),
              fields.documentId(),
              fields.requiredBytes(DATA));
      case ProtocolMessage.REQUEST ->
          new Request(
              senderId,
              fields.optionalText(TARGET_ID),
              fields.documentId(),
              fields.requiredBytes(DATA));
      case ProtocolMessage.DOC_UNAVAILABLE ->
          new DocUnavailable(senderId, fields.optionalText(TARGET_ID), fields.documentId());
      case ProtocolMessage.EPHEMERAL -> decodeEphemeral(fields, senderId);
      default -> new Ignored(type, senderId);
    };
  }

  private static Ephemeral decodeEphemeral(FrameFields fields, String senderId) {
    String targetId = fields.optionalText(TARGET_ID);
    String documentId = fields.documentId();
    long count = fields.count(COUNT);
    String sessionId = fields.requiredText(SESSION_ID);
    byte[] data = fields.requiredBytes(DATA);
    return new Ephemeral(senderId, targetId, documentId, count, sessionId, data);
  }

  /**
   * Encodes one message as a definite-length CBOR map. An {@link Ignored} message encodes to its
   * envelope ({@code type}, {@code senderId}) only, since nothing else of it was kept.
   */
  public static byte[] encode(ProtocolMessage message) {
    Objects.requireNonNull(message, "message");
    CborWriter map =
        new CborWriter().text(TYPE.key(), message.type()).text(SENDER_ID.key(), message.senderId());
    if (message instanceof Join join) {
      map.map(PEER_METADATA.key(), peerMetadata(join.peerMetadata()));
      if (join.supportedProtocolVersions() != null) {
        map.textArray(SUPPORTED_PROTOCOL_VERSIONS.key(), join.supportedProtocolVersions());
      }
    } else if (message instanceof Peer peer) {
      map.textIfPresent(TARGET_ID.key(), peer.targetId())
          .map(PEER_METADATA.key(), peerMetadata(peer.peerMetadata()))
          .text(SELECTED_PROTOCOL_VERSION.key(), peer.selectedProtocolVersion());
    } else if (message instanceof ErrorMessage error) {
      map.textIfPresent(TARGET_ID.key(), error.targetId())
          .textIfPresent(MESSAGE.key(), error.message());
    } else if (message instanceof Sync sync) {
      map.textIfPresent(TARGET_ID.key(), sync.targetId())
          .text(DOCUMENT_ID.key(), sync.documentId())
          .bytes(DATA.key(), sync.data());
    } else if (message instanceof Request request) {
      map.textIfPresent(TARGET_ID.key(), request.targetId())
          .text(DOCUMENT_ID.key(), request.documentId())
          .bytes(DATA.key(), request.data());
    } else if (message instanceof DocUnavailable unavailable) {
      map.textIfPresent(TARGET_ID.key(), unavailable.targetId())
          .text(DOCUMENT_ID.key(), unavailable.documentId());
    } else if (message instanceof Ephemeral ephemeral) {
      map.textIfPresent(TARGET_ID.key(), ephemeral.targetId())
          .text(DOCUMENT_ID.key(), ephemeral.documentId())
          .unsigned(COUNT.key(), ephemeral.count())
          .text(SESSION_ID.key(), ephemeral.sessionId())
          .bytes(DATA.key(), ephemeral.data());
    }
    // Leave and Ignored are the envelope alone.
    return map.toMap();
  }

  /** A null storageId is left out, which JS reads as undefined: "this peer has no storage". */
  private static CborWriter peerMetadata(PeerMetadata metadata) {
    return new CborWriter()
        .textIfPresent(WireField.STORAGE_ID, metadata.storageId())
        .bool(WireField.IS_EPHEMERAL, metadata.isEphemeral());
  }
}
