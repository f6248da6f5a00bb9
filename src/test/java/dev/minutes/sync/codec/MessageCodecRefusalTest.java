package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.TestCbor.bytes;
import static dev.minutes.sync.codec.TestCbor.fields;
import static dev.minutes.sync.codec.TestCbor.hex;
import static dev.minutes.sync.codec.TestCbor.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each reason a frame is refused, one test each; every refusal names the problem. */
class MessageCodecRefusalTest {

  static final String DOC = "2Nw4MWUcSHXXtTKFwBy4T6rKmKNt";

  static LinkedHashMap<String, byte[]> validSync() {
    return fields(
        "type",
        text("sync"),
        "senderId",
        text("client-A"),
        "targetId",
        text("server"),
        "documentId",
        text(DOC),
        "data",
        bytes(hex("42000001000000020284")));
  }

  static LinkedHashMap<String, byte[]> validEphemeral() {
    return fields(
        "type",
        text("ephemeral"),
        "senderId",
        text("client-A"),
        "documentId",
        text(DOC),
        "count",
        TestCbor.uint(3),
        "sessionId",
        text("s1"),
        "data",
        bytes(hex("f5")));
  }

  static LinkedHashMap<String, byte[]> validJoin() {
    return fields(
        "type",
        text("join"),
        "senderId",
        text("client-A"),
        "peerMetadata",
        TestCbor.map16(fields("storageId", text("st"), "isEphemeral", TestCbor.FALSE)),
        "supportedProtocolVersions",
        TestCbor.array(text("1")));
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(byte[] frame) {
    return assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class);
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      LinkedHashMap<String, byte[]> fields) {
    return assertRefused(TestCbor.map16(fields));
  }

  @Test
  @DisplayName("the valid baselines used below decode, so each refusal is caused by its one change")
  void baselinesDecode() {
    MessageCodec.decode(TestCbor.map16(validSync()));
    MessageCodec.decode(TestCbor.map16(validEphemeral()));
    MessageCodec.decode(TestCbor.map16(validJoin()));
  }

  @Test
  @DisplayName("an empty frame is refused")
  void refusesEmptyFrame() {
    assertRefused(new byte[0]).hasMessageContaining("empty frame");
  }

  @Test
  @DisplayName("a JSON text frame is refused as not a CBOR map")
  void refusesJson() {
    assertRefused("{\"type\":\"leave\",\"senderId\":\"p\"}".getBytes(StandardCharsets.UTF_8))
        .hasMessageContaining("not a CBOR map");
  }

  @Test
  @DisplayName("bytes using reserved CBOR additional information are refused as not well-formed")
  void refusesReservedAdditionalInformation() {
    assertRefused(hex("a1 1c 01"))
        .hasMessageContaining("not well-formed CBOR")
        .hasMessageContaining("reserved");
  }

  @Test
  @DisplayName("a CBOR array instead of a map is refused")
  void refusesArray() {
    assertRefused(TestCbor.array(text("leave")))
        .hasMessageContaining("not a CBOR map (found array)");
  }

  @Test
  @DisplayName("bytes after the map are refused")
  void refusesTrailingBytes() {
    byte[] frame =
        TestCbor.concat(
            TestCbor.map16(fields("type", text("leave"), "senderId", text("p"))), hex("00"));
    assertRefused(frame).hasMessageContaining("trailing bytes");
  }

  @Test
  @DisplayName("a map cut short is refused as truncated")
  void refusesTruncatedMap() {
    byte[] whole = TestCbor.map16(validSync());
    assertRefused(Arrays.copyOf(whole, whole.length - 3)).hasMessageContaining("truncated");
  }

  @Test
  @DisplayName("a frame without type is refused")
  void refusesMissingType() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.remove("type");
    assertRefused(frame).hasMessage("missing type");
  }

  @Test
  @DisplayName("a type that is not a text string is refused")
  void refusesNonTextType() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("type", TestCbor.uint(1));
    assertRefused(frame).hasMessage("type is not a text string (found unsigned integer)");
  }

  @Test
  @DisplayName("an undefined type counts as missing")
  void refusesUndefinedType() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("type", TestCbor.UNDEFINED);
    assertRefused(frame).hasMessage("missing type");
  }

  @Test
  @DisplayName("a frame without senderId is refused")
  void refusesMissingSenderId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.remove("senderId");
    assertRefused(frame).hasMessage("missing senderId");
  }

  @Test
  @DisplayName("an unknown type without senderId is refused too: the envelope is always checked")
  void refusesIgnoredTypeWithoutSenderId() {
    assertRefused(fields("type", text("bogus"))).hasMessage("missing senderId");
  }

  @Test
  @DisplayName("an empty senderId is refused")
  void refusesEmptySenderId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("senderId", text(""));
    assertRefused(frame).hasMessage("empty senderId");
  }

  @Test
  @DisplayName("a senderId that is not a text string is refused")
  void refusesNonTextSenderId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("senderId", bytes(hex("01")));
    assertRefused(frame).hasMessage("senderId is not a text string (found byte string)");
  }

  @Test
  @DisplayName("a targetId that is not a text string is refused")
  void refusesNonTextTargetId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("targetId", TestCbor.uint(9));
    assertRefused(frame).hasMessage("targetId is not a text string (found unsigned integer)");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sync", "request", "ephemeral", "doc-unavailable"})
  @DisplayName("a document message without documentId is refused")
  void refusesMissingDocumentId(String type) {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("type", text(type));
    frame.remove("documentId");
    assertRefused(frame).hasMessage("missing documentId");
  }

  @Test
  @DisplayName("a documentId whose checksum does not match is refused")
  void refusesBadChecksumDocumentId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("documentId", text("2Nw4MWUcSHXXtTKFwBy4T6rKmKNu"));
    assertRefused(frame)
        .hasMessage(
            "documentId '2Nw4MWUcSHXXtTKFwBy4T6rKmKNu' is not a valid base58check document id");
  }

  @Test
  @DisplayName("a documentId that is a UUID, not base58check, is refused")
  void refusesUuidDocumentId() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("documentId", text("62ebd340-f121-4ef3-b2b2-b591e0d49681"));
    assertRefused(frame).hasMessageContaining("is not a valid base58check document id");
  }

  @Test
  @DisplayName("a documentId with control characters is quoted safely in the refusal")
  void quotesHostileDocumentIdSafely() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("documentId", text("evil\nlog line" + "x".repeat(200)));
    assertRefused(frame)
        .hasMessageNotContaining("\n")
        .hasMessageContaining("evil?log line")
        .hasMessageContaining("(213 chars)");
  }

  @Test
  @DisplayName("a sync without data is refused")
  void refusesMissingData() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.remove("data");
    assertRefused(frame).hasMessage("missing data");
  }

  @Test
  @DisplayName("a request with zero bytes of data is refused")
  void refusesEmptyData() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("type", text("request"));
    frame.put("data", bytes(new byte[0]));
    assertRefused(frame).hasMessageContaining("empty data");
  }

  @Test
  @DisplayName("data that is a text string instead of bytes is refused")
  void refusesTextData() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("data", text("QgAAAQAAAAICgA=="));
    assertRefused(frame).hasMessage("data is not a byte string (found text string)");
  }

  @Test
  @DisplayName("data in a typed-array tag other than Uint8Array is refused")
  void refusesOtherTypedArray() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("data", TestCbor.tag(72, bytes(hex("0100"))));
    assertRefused(frame).hasMessage("data is not a byte string (found tag 72)");
  }

  @Test
  @DisplayName("an ephemeral message with empty data is refused")
  void refusesEmptyEphemeralData() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("data", bytes(new byte[0]));
    assertRefused(frame).hasMessageContaining("empty data");
  }

  @Test
  @DisplayName("an ephemeral message without count is refused")
  void refusesMissingCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.remove("count");
    assertRefused(frame).hasMessage("missing count");
  }

  @Test
  @DisplayName("a negative integer count is refused")
  void refusesNegativeCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", TestCbor.negative(0));
    assertRefused(frame).hasMessage("count is negative");
  }

  @Test
  @DisplayName("a negative float count is refused")
  void refusesNegativeFloatCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", TestCbor.float64(-2.0));
    assertRefused(frame).hasMessage("count is negative");
  }

  @Test
  @DisplayName("a non-integral count is refused")
  void refusesFractionalCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", TestCbor.float64(1.5));
    assertRefused(frame).hasMessage("count is not an integer: 1.5");
  }

  @Test
  @DisplayName("a NaN or infinite count is refused")
  void refusesNonFiniteCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", TestCbor.float64(Double.NaN));
    assertRefused(frame).hasMessage("count is not a finite number");
    frame.put("count", TestCbor.float64(Double.POSITIVE_INFINITY));
    assertRefused(frame).hasMessage("count is not a finite number");
  }

  @Test
  @DisplayName("a count beyond 2^63-1 is refused")
  void refusesHugeCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", hex("1bffffffffffffffff"));
    assertRefused(frame).hasMessage("count is larger than 2^63-1");
    frame.put("count", TestCbor.float64(1e19));
    assertRefused(frame).hasMessage("count is larger than 2^63-1");
  }

  @Test
  @DisplayName("a count that is a text string is refused")
  void refusesTextCount() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.put("count", text("1"));
    assertRefused(frame).hasMessage("count is not a number (found text string)");
  }

  @Test
  @DisplayName("an ephemeral message without sessionId is refused")
  void refusesMissingSessionId() {
    LinkedHashMap<String, byte[]> frame = validEphemeral();
    frame.remove("sessionId");
    assertRefused(frame).hasMessage("missing sessionId");
  }

  @Test
  @DisplayName("a key that appears twice is refused")
  void refusesDuplicateKey() {
    byte[] frame =
        TestCbor.concat(
            hex("a3"),
            text("type"),
            text("leave"),
            text("senderId"),
            text("a"),
            text("senderId"),
            text("b"));
    assertRefused(frame).hasMessage("duplicate key 'senderId'");
  }

  @Test
  @DisplayName("a text string that is not valid UTF-8 is refused")
  void refusesInvalidUtf8() {
    LinkedHashMap<String, byte[]> frame = validSync();
    frame.put("senderId", hex("62 c328"));
    assertRefused(frame).hasMessage("senderId is not valid UTF-8");
  }

  @Test
  @DisplayName("a peerMetadata that is not a map is refused")
  void refusesNonMapPeerMetadata() {
    LinkedHashMap<String, byte[]> frame = validJoin();
    frame.put("peerMetadata", text("st"));
    assertRefused(frame).hasMessage("peerMetadata is not a map (found text string)");
  }

  @Test
  @DisplayName("a storageId that is not a text string is refused")
  void refusesNonTextStorageId() {
    LinkedHashMap<String, byte[]> frame = validJoin();
    frame.put("peerMetadata", TestCbor.map16(fields("storageId", TestCbor.uint(1))));
    assertRefused(frame)
        .hasMessage("peerMetadata.storageId is not a text string (found unsigned integer)");
  }

  @Test
  @DisplayName("an isEphemeral that is not a boolean is refused")
  void refusesNonBooleanIsEphemeral() {
    LinkedHashMap<String, byte[]> frame = validJoin();
    frame.put("peerMetadata", TestCbor.map16(fields("isEphemeral", text("yes"))));
    assertRefused(frame)
        .hasMessage("peerMetadata.isEphemeral is not a boolean (found text string)");
  }

  @Test
  @DisplayName("supportedProtocolVersions that is not an array is refused")
  void refusesNonArrayVersions() {
    LinkedHashMap<String, byte[]> frame = validJoin();
    frame.put("supportedProtocolVersions", text("1"));
    assertRefused(frame)
        .hasMessage("supportedProtocolVersions is not an array (found text string)");
  }

  @Test
  @DisplayName("a protocol version that is not a text string is refused")
  void refusesNonTextVersion() {
    LinkedHashMap<String, byte[]> frame = validJoin();
    frame.put("supportedProtocolVersions", TestCbor.array(text("1"), TestCbor.uint(2)));
    assertRefused(frame)
        .hasMessage("supportedProtocolVersions[1] is not a text string (found unsigned integer)");
  }

  @Test
  @DisplayName("a peer message without selectedProtocolVersion is refused")
  void refusesPeerWithoutSelectedVersion() {
    assertRefused(fields("type", text("peer"), "senderId", text("srv"), "targetId", text("p")))
        .hasMessage("missing selectedProtocolVersion");
  }

  @Test
  @DisplayName("nesting deeper than the limit is refused before it can exhaust the stack")
  void refusesDeepNesting() {
    byte[] deep = new byte[100_000];
    Arrays.fill(deep, (byte) 0x81); // [[[[...
    byte[] frame =
        TestCbor.concat(
            hex("a3"),
            text("type"),
            text("leave"),
            text("senderId"),
            text("p"),
            text("x"),
            deep,
            hex("00"));
    assertRefused(frame).hasMessageContaining("nesting deeper than " + CborReader.MAX_DEPTH);
  }

  @Test
  @DisplayName("a refusal carries no stack trace")
  void refusalHasNoStackTrace() {
    MalformedMessageException refusal = new MalformedMessageException("x");
    assertThat(refusal.getStackTrace()).isEmpty();
    assertThat(refusal.reason()).isEqualTo("x");
  }
}
