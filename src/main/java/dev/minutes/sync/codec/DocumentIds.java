package dev.minutes.sync.codec;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * automerge-repo document ids: base58check (Bitcoin alphabet) of 16 random bytes.
 *
 * <p>base58check of a payload is base58 of {@code payload ‖ first 4 bytes of
 * SHA-256(SHA-256(payload))}, where each leading zero byte becomes a {@code '1'}. Clients check a
 * documentId only by decoding it; the server additionally requires the 16-byte payload every
 * automerge-repo client generates, so that a hostile client cannot create documents under
 * arbitrary-length keys.
 */
public final class DocumentIds {

  /** Length of the payload of a document id (a UUID v4's bytes). */
  public static final int PAYLOAD_LENGTH = 16;

  /** Prefix of an Automerge URL. */
  public static final String URL_PREFIX = "automerge:";

  /** Length of the payload of a head in an Automerge URL (a change hash). */
  private static final int HEAD_LENGTH = 32;

  private static final int CHECKSUM_LENGTH = 4;

  /**
   * Longest base58check string decoded at all. Base58 conversion is quadratic in the length, and a
   * 32-byte head needs at most 49 characters, so anything far longer is refused before converting.
   */
  private static final int MAX_ENCODED_LENGTH = 128;

  private static final char[] ALPHABET =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final int[] DIGITS = new int[128];

  static {
    Arrays.fill(DIGITS, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      DIGITS[ALPHABET[i]] = i;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * Ids that passed the check lately. Every sync message names its document, and checking one costs
   * a base58 decode and a SHA-256; a busy meeting sends the same id thousands of times a second.
   * Only valid ids are kept, and at most {@link #REMEMBERED} of them.
   */
  private static final int REMEMBERED = 4_096;

  private static final Map<String, Boolean> RECENTLY_VALID = new ConcurrentHashMap<>();

  private DocumentIds() {}

  /** Whether {@code id} is a base58check string with a 16-byte payload. Null is not valid. */
  public static boolean isValid(String id) {
    if (id == null) {
      return false;
    }
    if (RECENTLY_VALID.containsKey(id)) {
      return true;
    }
    try {
      boolean valid = decode(id).length == PAYLOAD_LENGTH;
      if (valid) {
        remember(id);
      }
      return valid;
    } catch (IllegalArgumentException invalid) {
      return false;
    }
  }

  private static void remember(String id) {
    if (RECENTLY_VALID.size() >= REMEMBERED) {
      RECENTLY_VALID.clear();
    }
    RECENTLY_VALID.put(id, Boolean.TRUE);
  }

  /** A new random document id, as automerge-repo makes them: the bytes of a random UUID v4. */
  public static String newId() {
    byte[] payload = new byte[PAYLOAD_LENGTH];
    RANDOM.nextBytes(payload);
    payload[6] = (byte) ((payload[6] & 0x0f) | 0x40); // version 4
    payload[8] = (byte) ((payload[8] & 0x3f) | 0x80); // IETF variant
    return encode(payload);
  }

  /** base58check encoding of any payload. */
  public static String encode(byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    byte[] withChecksum = Arrays.copyOf(payload, payload.length + CHECKSUM_LENGTH);
    System.arraycopy(checksum(payload), 0, withChecksum, payload.length, CHECKSUM_LENGTH);
    return base58(withChecksum);
  }

  /**
   * The payload of a base58check string (of any payload length).
   *
   * @throws IllegalArgumentException if the text is empty, too long, not base58, or its checksum
   *     does not match
   */
  public static byte[] decode(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    if (encoded.length() > MAX_ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "base58check text is "
              + encoded.length()
              + " characters, more than "
              + MAX_ENCODED_LENGTH);
    }
    byte[] bytes = unbase58(encoded);
    if (bytes.length <= CHECKSUM_LENGTH) {
      throw new IllegalArgumentException(
          "base58check text decodes to "
              + bytes.length
              + " bytes, too short for a payload and a checksum");
    }
    byte[] payload = Arrays.copyOf(bytes, bytes.length - CHECKSUM_LENGTH);
    byte[] expected = checksum(payload);
    byte[] actual = Arrays.copyOfRange(bytes, payload.length, bytes.length);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new IllegalArgumentException("base58check checksum does not match");
    }
    return payload;
  }

  /** The Automerge URL of a document id: {@code automerge:<id>}. */
  public static String toUrl(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "not a valid document id: " + FrameFields.printable(String.valueOf(id)));
    }
    return URL_PREFIX + id;
  }

  /**
   * The document id of an Automerge URL {@code automerge:<id>} or {@code
   * automerge:<id>#<head>|<head>…}. The heads, when present, must each be base58check of a 32-byte
   * change hash; they are checked and dropped.
   *
   * @throws IllegalArgumentException if the URL or anything in it is invalid
   */
  public static String fromUrl(String url) {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith(URL_PREFIX)) {
      throw new IllegalArgumentException(
          "not an Automerge URL (no '" + URL_PREFIX + "' prefix): " + FrameFields.printable(url));
    }
    String rest = url.substring(URL_PREFIX.length());
    int hash = rest.indexOf('#');
    String id = hash < 0 ? rest : rest.substring(0, hash);
    if (!isValid(id)) {
      throw new IllegalArgumentException(
          "Automerge URL has an invalid document id: " + FrameFields.printable(id));
    }
    if (hash >= 0) {
      requireValidHeads(rest.substring(hash + 1));
    }
    return id;
  }

  private static void requireValidHeads(String heads) {
    if (heads.indexOf('#') >= 0) {
      throw new IllegalArgumentException("Automerge URL has more than one heads section");
    }
    for (String head : heads.split("\\|", -1)) {
      if (head.isEmpty() || decode(head).length != HEAD_LENGTH) {
        throw new IllegalArgumentException(
            "Automerge URL has an invalid head: " + FrameFields.printable(head));
      }
    }
  }

  private static byte[] checksum(byte[] payload) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] once = sha256.digest(payload);
      return Arrays.copyOf(sha256.digest(once), CHECKSUM_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Base58 by repeated division of the big-endian number by 58. */
  private static String base58(byte[] input) {
    int zeros = 0;
    while (zeros < input.length && input[zeros] == 0) {
      zeros++;
    }
    byte[] number = input.clone();
    char[] out = new char[input.length * 2];
    int outStart = out.length;
    int start = zeros;
    while (start < number.length) {
      int remainder = 0;
      for (int i = start; i < number.length; i++) {
        int value = (number[i] & 0xff) + remainder * 256;
        number[i] = (byte) (value / 58);
        remainder = value % 58;
      }
      if (number[start] == 0) {
        start++;
      }
      out[--outStart] = ALPHABET[remainder];
    }
    for (int i = 0; i < zeros; i++) {
      out[--outStart] = ALPHABET[0];
    }
    return new String(out, outStart, out.length - outStart);
  }

  /** The inverse of {@link #base58}: repeated division of the base-58 number by 256. */
  private static byte[] unbase58(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty base58 text");
    }
    byte[] digits = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c < DIGITS.length ? DIGITS[c] : -1;
      if (digit < 0) {
        throw new IllegalArgumentException("character " + i + " is not in the base58 alphabet");
      }
      digits[i] = (byte) digit;
    }
    int zeros = 0;
    while (zeros < digits.length && digits[zeros] == 0) {
      zeros++;
    }
    byte[] decoded = new byte[digits.length];
    int outStart = decoded.length;
    int start = zeros;
    while (start < digits.length) {
      int remainder = 0;
      for (int i = start; i < digits.length; i++) {
        int value = digits[i] + remainder * 58;
        digits[i] = (byte) (value / 256);
        remainder = value % 256;
      }
      if (digits[start] == 0) {
        start++;
      }
      decoded[--outStart] = (byte) remainder;
    }
    while (outStart < decoded.length && decoded[outStart] == 0) {
      outStart++;
    }
    return Arrays.copyOfRange(decoded, outStart - zeros, decoded.length);
  }
}
