package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-built CBOR for tests, written the way cbor-x (the JS encoder) writes it, or deliberately
 * not: the codec's own writer is never used to build its inputs.
 */
final class TestCbor {

  static final byte[] UNDEFINED = {(byte) 0xf7};
  static final byte[] NULL = {(byte) 0xf6};
  static final byte[] TRUE = {(byte) 0xf5};
  static final byte[] FALSE = {(byte) 0xf4};

  private TestCbor() {}

  /** Hex with any whitespace in it, as printed in the protocol document. */
  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replaceAll("\\s+", ""));
  }

  static String toHex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Shortest head for a major type and argument. */
  static byte[] head(int major, long value) {
    int type = major << 5;
    if (value < 24) {
      return new byte[] {(byte) (type | value)};
    }
    if (value <= 0xff) {
      return new byte[] {(byte) (type | 24), (byte) value};
    }
    if (value <= 0xffff) {
      return new byte[] {(byte) (type | 25), (byte) (value >>> 8), (byte) value};
    }
    return new byte[] {
      (byte) (type | 26),
      (byte) (value >>> 24),
      (byte) (value >>> 16),
      (byte) (value >>> 8),
      (byte) value
    };
  }

  static byte[] text(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    return concat(head(3, utf8.length), utf8);
  }

  static byte[] bytes(byte[] value) {
    return concat(head(2, value.length), value);
  }

  static byte[] uint(long value) {
    return head(0, value);
  }

  /** The CBOR negative integer -1 - n. */
  static byte[] negative(long n) {
    return head(1, n);
  }

  static byte[] float64(double value) {
    long bits = Double.doubleToLongBits(value);
    byte[] out = new byte[9];
    out[0] = (byte) 0xfb;
    for (int i = 0; i < 8; i++) {
      out[1 + i] = (byte) (bits >>> (56 - 8 * i));
    }
    return out;
  }

  static byte[] tag(long number, byte[] item) {
    return concat(head(6, number), item);
  }

  static byte[] array(byte[]... items) {
    return concat(head(4, items.length), concat(items));
  }

  /**
   * A map with a 16-bit count header whatever its size ({@code b9 00 NN}), as cbor-x writes maps.
   */
  static byte[] map16(Map<String, byte[]> entries) {
    return concat(
        new byte[] {(byte) 0xb9, (byte) (entries.size() >>> 8), (byte) entries.size()},
        entries(entries));
  }

  /** A map with the shortest count header ({@code a1}, {@code a2}, ...). */
  static byte[] map(Map<String, byte[]> entries) {
    return concat(head(5, entries.size()), entries(entries));
  }

  /** An indefinite-length map ({@code bf ... ff}). */
  static byte[] indefiniteMap(Map<String, byte[]> entries) {
    return concat(new byte[] {(byte) 0xbf}, entries(entries), new byte[] {(byte) 0xff});
  }

  private static byte[] entries(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    entries.forEach(
        (key, value) -> {
          out.writeBytes(text(key));
          out.writeBytes(value);
        });
    return out.toByteArray();
  }

  /** Ordered fields, to start from a valid message and change one thing. */
  static LinkedHashMap<String, byte[]> fields(Object... keysAndValues) {
    LinkedHashMap<String, byte[]> fields = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      fields.put((String) keysAndValues[i], (byte[]) keysAndValues[i + 1]);
    }
    return fields;
  }
}
