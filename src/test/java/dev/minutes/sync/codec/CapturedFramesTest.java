package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.TestCbor.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The frames captured on loopback between real automerge-repo 2.5.6 peers (protocol document,
 * section 8).
 */
class CapturedFramesTest {

  /** #2: a client without storage joins; cbor-x wrote storageId as undefined (f7). */
  static final byte[] JOIN_2 =
      hex(
          """
            b900046474797065646a6f696e6873656e646572496468636c69656e742d426c706565724d65746164617461
            b900026973746f726167654964f76b6973457068656d6572616cf57819737570706f7274656450726f746f636f
            6c56657273696f6e73816131""");

  /** #83: the server has the document nowhere. */
  static final byte[] DOC_UNAVAILABLE_83 =
      hex(
          """
            b9000464747970656f646f632d756e617661696c61626c656a646f63756d656e744964781c3454656f76
            7a794352453977754475535638364d7645477533636d6368746172676574496468636c69656e742d4268
            73656e64657249647173746f726167652d7365727665722d766d""");

  /** R1: the server refuses protocol version "2". */
  static final byte[] ERROR_R1 =
      hex(
          """
            b900046474797065656572726f726873656e64657249647173746f726167652d7365727665722d766d676d
            657373616765781c756e737570706f727465642070726f746f636f6c2076657273696f6e687461726765
            744964657261772d31""");

  /** R4: a 1.x client leaves. */
  static final byte[] LEAVE_R4 = hex("b900026474797065656c656176656873656e6465724964657261772d34");

  static Stream<byte[]> capturedFrames() {
    return Stream.of(JOIN_2, DOC_UNAVAILABLE_83, ERROR_R1, LEAVE_R4);
  }

  @Test
  @DisplayName("join #2 decodes with an undefined storageId as null and every other field intact")
  void decodesJoin() {
    ProtocolMessage message = MessageCodec.decode(JOIN_2);

    assertThat(message).isInstanceOf(Join.class);
    Join join = (Join) message;
    assertThat(join.type()).isEqualTo("join");
    assertThat(join.senderId()).isEqualTo("client-B");
    assertThat(join.peerMetadata().storageId()).isNull();
    assertThat(join.peerMetadata().isEphemeral()).isTrue();
    assertThat(join.supportedProtocolVersions()).containsExactly("1");
  }

  @Test
  @DisplayName("doc-unavailable #83 decodes with its documentId, targetId and senderId")
  void decodesDocUnavailable() {
    ProtocolMessage message = MessageCodec.decode(DOC_UNAVAILABLE_83);

    assertThat(message)
        .isEqualTo(
            new DocUnavailable("storage-server-vm", "client-B", "4TeovzyCRE9wuDuSV86MvEGu3cmc"));
    assertThat(message.type()).isEqualTo("doc-unavailable");
  }

  @Test
  @DisplayName("error R1 decodes with its message text")
  void decodesError() {
    ProtocolMessage message = MessageCodec.decode(ERROR_R1);

    assertThat(message)
        .isEqualTo(new ErrorMessage("storage-server-vm", "raw-1", "unsupported protocol version"));
    assertThat(message.type()).isEqualTo("error");
  }

  @Test
  @DisplayName("leave R4 decodes to a Leave of its sender")
  void decodesLeave() {
    ProtocolMessage message = MessageCodec.decode(LEAVE_R4);

    assertThat(message).isEqualTo(new Leave("raw-4"));
    assertThat(message.type()).isEqualTo("leave");
  }

  @ParameterizedTest(name = "captured frame {index}")
  @MethodSource("capturedFrames")
  @DisplayName("re-encoding a captured message and decoding it again gives an equal record")
  void reencodesCapturedMessages(byte[] frame) {
    ProtocolMessage decoded = MessageCodec.decode(frame);

    byte[] reencoded = MessageCodec.encode(decoded);

    assertThat(MessageCodec.decode(reencoded)).isEqualTo(decoded);
    // The server's own encoding uses the shortest map header, not cbor-x's 16-bit one.
    assertThat(reencoded[0] & 0xff).isBetween(0xa0, 0xb7);
  }

  @Test
  @DisplayName(
      "the server's error message encodes to the same fields as the reference server's frame")
  void encodesErrorLikeReferenceServer() {
    byte[] encoded =
        MessageCodec.encode(
            new ErrorMessage("storage-server-vm", "raw-1", "unsupported protocol version"));

    // Same entries as R1, only the map header differs (a4 instead of b9 00 04) and key order.
    assertThat(encoded).hasSize(ERROR_R1.length - 2);
    assertThat(TestCbor.toHex(encoded)).startsWith("a4" + "6474797065" + "656572726f72");
    assertThat(MessageCodec.decode(encoded)).isEqualTo(MessageCodec.decode(ERROR_R1));
  }

  @Test
  @DisplayName(
      "the captured ephemeral message #38, rebuilt as cbor-x writes it, decodes field by field")
  void decodesEphemeralAsCborXWritesIt() {
    byte[] presence = hex("b9000266637572736f720364757365726141");
    byte[] frame =
        TestCbor.map16(
            TestCbor.fields(
                "type", TestCbor.text("ephemeral"),
                "targetId", TestCbor.text("storage-server-vm"),
                "documentId", TestCbor.text("wx4rdHcZ7P7fRkz63yHQDWUwy5v"),
                "data", TestCbor.bytes(presence),
                "count", TestCbor.uint(1),
                "sessionId", TestCbor.text("m1bir9ne92r"),
                "senderId", TestCbor.text("client-A")));

    ProtocolMessage message = MessageCodec.decode(frame);

    assertThat(message)
        .isEqualTo(
            new Ephemeral(
                "client-A",
                "storage-server-vm",
                "wx4rdHcZ7P7fRkz63yHQDWUwy5v",
                1,
                "m1bir9ne92r",
                presence));
    Ephemeral forwarded = ((Ephemeral) message).withTargetId("client-B");
    assertThat(MessageCodec.decode(MessageCodec.encode(forwarded))).isEqualTo(forwarded);
    assertThat(forwarded.data()).isEqualTo(presence);
  }

  @Test
  @DisplayName("the captured request #19 with the 10-byte empty sync message decodes")
  void decodesRequest() {
    byte[] data = hex("42000001000000020284");
    byte[] frame =
        TestCbor.map16(
            TestCbor.fields(
                "type", TestCbor.text("request"),
                "targetId", TestCbor.text("storage-server-vm"),
                "documentId", TestCbor.text("wx4rdHcZ7P7fRkz63yHQDWUwy5v"),
                "data", TestCbor.bytes(data),
                "senderId", TestCbor.text("client-B")));

    assertThat(MessageCodec.decode(frame))
        .isEqualTo(
            new Request("client-B", "storage-server-vm", "wx4rdHcZ7P7fRkz63yHQDWUwy5v", data));
  }

  @Test
  @DisplayName("the captured gossip messages decode as ignored, with their type and sender")
  void decodesGossipAsIgnored() {
    byte[] subscription =
        TestCbor.map16(
            TestCbor.fields(
                "type", TestCbor.text("remote-subscription-change"),
                "targetId", TestCbor.text("storage-server-vm"),
                "add",
                    TestCbor.array(
                        TestCbor.text("48821950-b8dd-4b6c-b832-b4e293e937ad"),
                        TestCbor.text("6ddaf65a-d9a9-4c12-8b1a-85e443d0a769")),
                "remove", TestCbor.UNDEFINED,
                "senderId", TestCbor.text("client-B")));
    byte[] headsChanged =
        TestCbor.map16(
            TestCbor.fields(
                "type", TestCbor.text("remote-heads-changed"),
                "targetId", TestCbor.text("client-B"),
                "documentId", TestCbor.text("3pnTs2yH6sWzrtjW2ZZWHtkv3DgD"),
                "newHeads",
                    TestCbor.map16(
                        TestCbor.fields(
                            "48821950-b8dd-4b6c-b832-b4e293e937ad",
                            TestCbor.map16(
                                TestCbor.fields(
                                    "heads",
                                        TestCbor.array(
                                            TestCbor.text(
                                                "24a56bVnrUJruDRRztFY3t38SjRDPE6nJWg69wMiQrZ27TxgVJ")),
                                    "timestamp", TestCbor.float64(1795592824373.0))))),
                "senderId", TestCbor.text("storage-server-vm")));

    assertThat(List.of(MessageCodec.decode(subscription), MessageCodec.decode(headsChanged)))
        .containsExactly(
            new Ignored("remote-subscription-change", "client-B"),
            new Ignored("remote-heads-changed", "storage-server-vm"));
  }
}
