package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.TestCbor.fields;
import static dev.minutes.sync.codec.TestCbor.hex;
import static dev.minutes.sync.codec.TestCbor.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frames built to hurt: their declared sizes are huge, their nesting is deep, or they are cut or
 * mutated. The codec must refuse them with a MalformedMessageException and nothing else: no
 * OutOfMemoryError, no StackOverflowError, no other runtime exception, no long loop.
 */
@Timeout(30)
class HostileFrameTest {

  static final List<byte[]> CAPTURED =
      List.of(
          CapturedFramesTest.JOIN_2,
          CapturedFramesTest.DOC_UNAVAILABLE_83,
          CapturedFramesTest.ERROR_R1,
          CapturedFramesTest.LEAVE_R4);

  static byte[] leaveWith(byte[] hostileKeyAndValue) {
    return TestCbor.concat(
        hex("a3"), text("type"), text("leave"), text("senderId"), text("p"), hostileKeyAndValue);
  }

  @Test
  @DisplayName("a byte string declaring 4 GiB is refused without allocating it")
  void refusesHugeDeclaredByteString() {
    byte[] frame = leaveWith(TestCbor.concat(text("x"), hex("5a ffffffff 00")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("declares 4294967295 bytes but only 1 remain");
  }

  @Test
  @DisplayName("a text string declaring 2^64-1 bytes is refused")
  void refusesHugeDeclaredText() {
    byte[] frame = leaveWith(TestCbor.concat(text("x"), hex("7b ffffffffffffffff")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("declares 18446744073709551615 bytes");
  }

  @Test
  @DisplayName("a map declaring two billion entries is refused at once")
  void refusesHugeDeclaredMap() {
    assertThatThrownBy(() -> MessageCodec.decode(hex("ba 80000000 64747970 65")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("declares 2147483648 entries");
  }

  @Test
  @DisplayName("an array declaring 2^64-1 elements inside an unknown key is refused at once")
  void refusesHugeDeclaredArray() {
    byte[] frame = leaveWith(TestCbor.concat(text("x"), hex("9b ffffffffffffffff 00")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("declares 18446744073709551615 elements");
  }

  @Test
  @DisplayName("an indefinite-length array that never ends is refused as truncated")
  void refusesUnterminatedIndefiniteArray() {
    byte[] frame = leaveWith(TestCbor.concat(text("x"), hex("9f 01 02 03")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  @DisplayName("deeply nested tags are refused like deeply nested arrays")
  void refusesDeepTags() {
    byte[] tags = new byte[10_000];
    Arrays.fill(tags, (byte) 0xc1);
    byte[] frame = leaveWith(TestCbor.concat(text("x"), tags, hex("00")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("nesting deeper");
  }

  @Test
  @DisplayName("data split into a hundred thousand one-byte chunks decodes to the right bytes")
  void decodesManyChunksLinearly() {
    int chunks = 100_000;
    byte[] chunked = new byte[2 + chunks * 2];
    chunked[0] = 0x5f;
    for (int i = 0; i < chunks; i++) {
      chunked[1 + 2 * i] = 0x41;
      chunked[2 + 2 * i] = (byte) i;
    }
    chunked[chunked.length - 1] = (byte) 0xff;
    byte[] frame =
        TestCbor.map(
            fields(
                "type",
                text("sync"),
                "senderId",
                text("p"),
                "documentId",
                text("2Nw4MWUcSHXXtTKFwBy4T6rKmKNt"),
                "data",
                chunked));

    Sync sync = (Sync) MessageCodec.decode(frame);

    assertThat(sync.data()).hasSize(chunks);
    assertThat(sync.data()[chunks - 1]).isEqualTo((byte) (chunks - 1));
  }

  @Test
  @DisplayName("a chunk of another major type inside an indefinite byte string is refused")
  void refusesMixedChunks() {
    byte[] frame = leaveWith(TestCbor.concat(text("x"), hex("5f 4101 6161 ff")));
    assertThatThrownBy(() -> MessageCodec.decode(frame))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("is not a definite byte string");
  }

  @Test
  @DisplayName("every proper prefix of every captured frame is refused")
  void refusesEveryPrefix() {
    for (byte[] frame : CAPTURED) {
      for (int length = 0; length < frame.length; length++) {
        byte[] prefix = Arrays.copyOf(frame, length);
        assertThatThrownBy(() -> MessageCodec.decode(prefix))
            .as("prefix of %d bytes of %s", length, TestCbor.toHex(frame))
            .isInstanceOf(MalformedMessageException.class);
      }
    }
  }

  @Test
  @DisplayName(
      "random mutations of captured frames either decode or are refused, never anything else")
  void mutationsFailOnlyAsMalformed() {
    Random random = new Random(20240611);
    for (int round = 0; round < 20_000; round++) {
      byte[] frame = CAPTURED.get(random.nextInt(CAPTURED.size())).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
      }
      decodeOrRefuse(frame);
    }
  }

  @Test
  @DisplayName("random byte strings either decode or are refused, never anything else")
  void randomBytesFailOnlyAsMalformed() {
    Random random = new Random(42);
    for (int round = 0; round < 20_000; round++) {
      byte[] frame = new byte[random.nextInt(64)];
      random.nextBytes(frame);
      if (frame.length > 0 && random.nextBoolean()) {
        frame[0] =
            (byte) (0xa0 | random.nextInt(8)); // mostly small maps, to get past the first check
      }
      decodeOrRefuse(frame);
    }
  }

  private static void decodeOrRefuse(byte[] frame) {
    try {
      ProtocolMessage message = MessageCodec.decode(frame);
      assertThat(message.senderId()).isNotEmpty();
    } catch (MalformedMessageException refused) {
      assertThat(refused.getMessage()).isNotBlank();
    } catch (RuntimeException | Error unexpected) {
      fail("frame " + TestCbor.toHex(frame) + " failed with " + unexpected, unexpected);
    }
  }
}
