package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.TestCbor.fields;
import static dev.minutes.sync.codec.TestCbor.hex;
import static dev.minutes.sync.codec.TestCbor.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecRoundTripTest {

  static final String DOC = "2Nw4MWUcSHXXtTKFwBy4T6rKmKNt";
  static final byte[] SYNC_DATA = hex("42000001000000020284");

  static Stream<ProtocolMessage> everyMessageType() {
    return Stream.of(
        new Join(
            "client-A",
            new PeerMetadata("586f8143-b294-4810-859d-75e8cf58ef8d", false),
            List.of("1")),
        new Join("client-B", new PeerMetadata(null, true), null),
        new Peer(
            "server",
            "client-A",
            new PeerMetadata("f93565d8-0aad-4fcb-8506-16f5be4fc95d", false),
            "1"),
        new Peer("server", "client-A", new PeerMetadata(null, false), "1"),
        new ErrorMessage("server", "client-A", "unsupported protocol version"),
        new Leave("client-A"),
        new Sync("server", "client-A", DOC, SYNC_DATA),
        new Request("client-B", "server", DOC, SYNC_DATA),
        new DocUnavailable("server", "client-B", DOC),
        new Ephemeral("client-A", "client-B", DOC, 42, "m1bir9ne92r", hex("a16178 01")),
        new Ephemeral("client-A", "client-B", DOC, 9_007_199_254_740_993L, "s", hex("f5")),
        new Ignored("remote-heads-changed", "client-A"),
        new Ignored("bogus", "client-A"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyMessageType")
  @DisplayName("every message type survives encode then decode unchanged")
  void roundTrips(ProtocolMessage message) {
    assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
  }

  @Test
  @DisplayName(
      "a sync message encodes as a definite-length map with text keys and an untagged byte string")
  void encodesSyncExactly() {
    byte[] encoded = MessageCodec.encode(new Sync("srv", "cli", DOC, SYNC_DATA));

    String expected =
        "a5"
            + "6474797065"
            + "6473796e63"
            + "6873656e6465724964"
            + "63737276"
            + "687461726765744964"
            + "63636c69"
            + "6a646f63756d656e744964"
            + "781c"
            + TestCbor.toHex(DOC.getBytes())
            + "6464617461"
            + "4a"
            + "42000001000000020284";
    assertThat(TestCbor.toHex(encoded)).isEqualTo(expected);
  }

  @Test
  @DisplayName("a peer message without storageId leaves the key out instead of writing null")
  void peerWithoutStorageIdOmitsKey() {
    byte[] encoded =
        MessageCodec.encode(new Peer("srv", "cli", new PeerMetadata(null, false), "1"));

    String hex = TestCbor.toHex(encoded);
    assertThat(hex)
        .contains("6c706565724d65746164617461" + "a1" + "6b6973457068656d6572616c" + "f4");
    assertThat(hex).doesNotContain(TestCbor.toHex("storageId".getBytes()));
  }

  @Test
  @DisplayName("a peer message with a storageId writes both metadata keys")
  void peerWithStorageIdWritesIt() {
    byte[] encoded =
        MessageCodec.encode(new Peer("srv", "cli", new PeerMetadata("store-1", false), "1"));

    assertThat(TestCbor.toHex(encoded))
        .contains(
            "6c706565724d65746164617461"
                + "a2"
                + "6973746f726167654964"
                + "6773746f72652d31"
                + "6b6973457068656d6572616c"
                + "f4");
  }

  @Test
  @DisplayName("an ephemeral count is encoded as a CBOR integer, not a float")
  void ephemeralCountIsInteger() {
    byte[] encoded = MessageCodec.encode(new Ephemeral("a", "b", DOC, 1000, "s", hex("f5")));

    assertThat(TestCbor.toHex(encoded)).contains("65636f756e74" + "1903e8");
  }

  @Test
  @DisplayName("a map with a 16-bit count header, as cbor-x writes it, decodes")
  void decodesSixteenBitMapHeader() {
    byte[] frame = TestCbor.map16(fields("type", text("leave"), "senderId", text("p")));

    assertThat(frame[0] & 0xff).isEqualTo(0xb9);
    assertThat(MessageCodec.decode(frame)).isEqualTo(new Leave("p"));
  }

  @Test
  @DisplayName("an indefinite-length map with an indefinite-length text value decodes")
  void decodesIndefiniteLengths() {
    byte[] chunkedSender = hex("7f 62 636c 6161 ff"); // "cl" + "a" in two chunks
    byte[] frame = TestCbor.indefiniteMap(fields("type", text("leave"), "senderId", chunkedSender));

    assertThat(MessageCodec.decode(frame)).isEqualTo(new Leave("cla"));
  }

  @Test
  @DisplayName("undefined and null storageId both decode to null")
  void undefinedAndNullStorageIdDecodeToNull() {
    for (byte[] absent : List.of(TestCbor.UNDEFINED, TestCbor.NULL)) {
      byte[] frame =
          TestCbor.map16(
              fields(
                  "type",
                  text("join"),
                  "senderId",
                  text("p"),
                  "peerMetadata",
                  TestCbor.map16(fields("storageId", absent, "isEphemeral", TestCbor.FALSE))));

      Join join = (Join) MessageCodec.decode(frame);

      assertThat(join.peerMetadata()).isEqualTo(new PeerMetadata(null, false));
    }
  }

  @Test
  @DisplayName("a join without peerMetadata or supportedProtocolVersions decodes with defaults")
  void joinWithoutOptionalFields() {
    Join join =
        (Join)
            MessageCodec.decode(TestCbor.map(fields("type", text("join"), "senderId", text("p"))));

    assertThat(join.peerMetadata()).isEqualTo(PeerMetadata.UNKNOWN);
    assertThat(join.supportedProtocolVersions()).isNull();
  }

  @Test
  @DisplayName("a float64 count decodes to the same integer")
  void decodesFloatCount() {
    byte[] frame = ephemeralWithCount(TestCbor.float64(1795592824373.0));

    assertThat(((Ephemeral) MessageCodec.decode(frame)).count()).isEqualTo(1795592824373L);
  }

  @Test
  @DisplayName("half and single precision float counts decode too")
  void decodesShortFloatCounts() {
    assertThat(((Ephemeral) MessageCodec.decode(ephemeralWithCount(hex("f94200")))).count())
        .isEqualTo(3);
    assertThat(((Ephemeral) MessageCodec.decode(ephemeralWithCount(hex("fa47c35000")))).count())
        .isEqualTo(100_000);
  }

  @Test
  @DisplayName("unknown keys, including non-text keys and nested values, are skipped")
  void skipsUnknownKeys() {
    byte[] frame =
        TestCbor.concat(
            hex("b90005"),
            text("type"),
            text("leave"),
            text("future"),
            TestCbor.map16(fields("x", TestCbor.array(TestCbor.float64(1.5), TestCbor.NULL))),
            TestCbor.uint(7),
            text("numeric key"),
            text("senderId"),
            text("p"),
            text("trace"),
            TestCbor.tag(1, TestCbor.uint(1_700_000_000)));

    assertThat(MessageCodec.decode(frame)).isEqualTo(new Leave("p"));
  }

  @Test
  @DisplayName("data in a Uint8Array typed-array tag (64) decodes to its bytes")
  void decodesTaggedBytes() {
    byte[] frame =
        TestCbor.map16(
            fields(
                "type",
                text("sync"),
                "senderId",
                text("p"),
                "documentId",
                text(DOC),
                "data",
                TestCbor.tag(64, TestCbor.bytes(SYNC_DATA))));

    assertThat(MessageCodec.decode(frame)).isEqualTo(new Sync("p", null, DOC, SYNC_DATA));
  }

  @Test
  @DisplayName("fields a message type does not use are not interpreted, even if ill-typed")
  void ignoresIrrelevantFields() {
    byte[] frame =
        TestCbor.map(
            fields(
                "type",
                text("leave"),
                "senderId",
                text("p"),
                "documentId",
                TestCbor.uint(5),
                "data",
                text("not bytes"),
                "count",
                text("x")));

    assertThat(MessageCodec.decode(frame)).isEqualTo(new Leave("p"));
  }

  @Test
  @DisplayName("byte payloads compare by content and print as a length only")
  void byteRecordsCompareByContent() {
    Sync one = new Sync("p", "q", DOC, hex("4201"));
    Sync same = new Sync("p", "q", DOC, hex("4201"));

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(new Sync("p", "q", DOC, hex("4202")));
    assertThat(one.toString()).contains("data=2 bytes").doesNotContain("4201");
  }

  @Test
  @DisplayName("records refuse what can never go on the wire")
  void recordsRefuseInvalidContent() {
    assertThatThrownBy(() -> new Sync("p", "q", DOC, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ephemeral("p", "q", DOC, -1, "s", hex("f5")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ignored("sync", "p")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Leave(null)).isInstanceOf(NullPointerException.class);
  }

  private static byte[] ephemeralWithCount(byte[] count) {
    return TestCbor.map16(
        fields(
            "type",
            text("ephemeral"),
            "senderId",
            text("p"),
            "documentId",
            text(DOC),
            "count",
            count,
            "sessionId",
            text("s"),
            "data",
            TestCbor.bytes(hex("f5"))));
  }
}
