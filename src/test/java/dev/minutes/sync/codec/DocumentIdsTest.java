package dev.minutes.sync.codec;

import static dev.minutes.sync.codec.TestCbor.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DocumentIdsTest {

  static final String EXAMPLE_ID = "2Nw4MWUcSHXXtTKFwBy4T6rKmKNt";
  static final byte[] EXAMPLE_PAYLOAD = hex("62ebd340f1214ef3b2b2b591e0d49681");

  @Test
  @DisplayName("the documented example decodes to its payload")
  void decodesKnownVector() {
    assertThat(DocumentIds.decode(EXAMPLE_ID)).isEqualTo(EXAMPLE_PAYLOAD);
    assertThat(DocumentIds.isValid(EXAMPLE_ID)).isTrue();
  }

  @Test
  @DisplayName("the documented example's payload encodes to the example id")
  void encodesKnownVector() {
    assertThat(DocumentIds.encode(EXAMPLE_PAYLOAD)).isEqualTo(EXAMPLE_ID);
  }

  @Test
  @DisplayName("the checksum of the example is the documented 7a06fa5d")
  void checksumMatchesDocument() throws Exception {
    java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
    byte[] twice = sha256.digest(sha256.digest(EXAMPLE_PAYLOAD));
    assertThat(TestCbor.toHex(twice).substring(0, 8)).isEqualTo("7a06fa5d");
  }

  @Test
  @DisplayName("ids seen in real captures are valid")
  void capturedIdsAreValid() {
    assertThat(DocumentIds.isValid("wx4rdHcZ7P7fRkz63yHQDWUwy5v")).isTrue();
    assertThat(DocumentIds.isValid("4TeovzyCRE9wuDuSV86MvEGu3cmc")).isTrue();
    assertThat(DocumentIds.isValid("3pnTs2yH6sWzrtjW2ZZWHtkv3DgD")).isTrue();
  }

  @Test
  @DisplayName("new ids are valid, distinct, and carry UUID v4 version and variant bits")
  void newIdsAreValid() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = DocumentIds.newId();
      assertThat(DocumentIds.isValid(id)).as(id).isTrue();
      byte[] payload = DocumentIds.decode(id);
      assertThat(payload[6] & 0xf0).isEqualTo(0x40);
      assertThat(payload[8] & 0xc0).isEqualTo(0x80);
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  @DisplayName("leading zero bytes become leading '1' characters and back")
  void leadingZeros() {
    byte[] payload = hex("0000ff00000000000000000000000001");
    String id = DocumentIds.encode(payload);

    assertThat(id).startsWith("11").doesNotStartWith("111");
    assertThat(DocumentIds.decode(id)).isEqualTo(payload);
    assertThat(DocumentIds.isValid(id)).isTrue();
    byte[] allZero = new byte[16];
    assertThat(DocumentIds.decode(DocumentIds.encode(allZero))).isEqualTo(allZero);
  }

  @Test
  @DisplayName("a corrupted character breaks the checksum and the id is invalid")
  void corruptedChecksumIsInvalid() {
    String corrupted =
        EXAMPLE_ID.substring(0, 10)
            + (EXAMPLE_ID.charAt(10) == 'a' ? 'b' : 'a')
            + EXAMPLE_ID.substring(11);

    assertThat(DocumentIds.isValid(corrupted)).isFalse();
    assertThatThrownBy(() -> DocumentIds.decode(corrupted))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  @DisplayName("text outside the base58 alphabet, empty text, null and over-long text are invalid")
  void malformedTextIsInvalid() {
    assertThat(DocumentIds.isValid("0OIl" + EXAMPLE_ID.substring(4))).isFalse();
    assertThat(DocumentIds.isValid("2Nw4MWUcSHXXtTKFwBy4T6rKmKNé")).isFalse();
    assertThat(DocumentIds.isValid("")).isFalse();
    assertThat(DocumentIds.isValid(null)).isFalse();
    assertThat(DocumentIds.isValid("2".repeat(10_000))).isFalse();
    assertThatThrownBy(() -> DocumentIds.decode("abc0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("character 3");
  }

  @Test
  @DisplayName("a valid base58check string with a payload other than 16 bytes is not a document id")
  void otherPayloadLengthsAreNotDocumentIds() {
    String twentyBytes =
        DocumentIds.encode(
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20});

    assertThat(DocumentIds.decode(twentyBytes)).hasSize(20);
    assertThat(DocumentIds.isValid(twentyBytes)).isFalse();
  }

  @Test
  @DisplayName("an Automerge URL round-trips through toUrl and fromUrl")
  void urlRoundTrip() {
    assertThat(DocumentIds.toUrl(EXAMPLE_ID)).isEqualTo("automerge:" + EXAMPLE_ID);
    assertThat(DocumentIds.fromUrl("automerge:" + EXAMPLE_ID)).isEqualTo(EXAMPLE_ID);
  }

  @Test
  @DisplayName("a URL with valid heads yields the bare document id")
  void urlWithHeads() {
    String head = DocumentIds.encode(new byte[32]);
    String other = DocumentIds.encode(hex("ec255f28" + "00".repeat(28)));

    assertThat(DocumentIds.fromUrl("automerge:" + EXAMPLE_ID + "#" + head)).isEqualTo(EXAMPLE_ID);
    assertThat(DocumentIds.fromUrl("automerge:" + EXAMPLE_ID + "#" + head + "|" + other))
        .isEqualTo(EXAMPLE_ID);
  }

  @Test
  @DisplayName("invalid URLs are refused with the reason")
  void invalidUrls() {
    assertThatThrownBy(() -> DocumentIds.fromUrl(EXAMPLE_ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> DocumentIds.fromUrl("automerge:nope0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid document id");
    assertThatThrownBy(() -> DocumentIds.fromUrl("automerge:" + EXAMPLE_ID + "#" + EXAMPLE_ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid head");
    assertThatThrownBy(() -> DocumentIds.fromUrl("automerge:" + EXAMPLE_ID + "#"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid head");
    String head = DocumentIds.encode(new byte[32]);
    assertThatThrownBy(
            () -> DocumentIds.fromUrl("automerge:" + EXAMPLE_ID + "#" + head + "#" + head))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than one heads section");
    assertThatThrownBy(() -> DocumentIds.toUrl("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
