package dev.minutes.sync.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the small CBOR subset the server sends: definite-length maps with text keys, text, plain
 * byte strings (no typed-array tag), unsigned integers, booleans and arrays of text. cbor-x on the
 * client decodes this exactly like its own output.
 *
 * <p>A map is built entry by entry and its header, which holds the entry count, is written last; so
 * optional fields can be left out without counting them first.
 */
final class CborWriter {

  private byte[] buffer = new byte[128];
  private int size;
  private int entries;

  CborWriter text(String key, String value) {
    key(key);
    writeText(value);
    return this;
  }

  /** Leaves the key out when the value is null: JS reads a missing key as undefined. */
  CborWriter textIfPresent(String key, String value) {
    return value == null ? this : text(key, value);
  }

  CborWriter bytes(String key, byte[] value) {
    key(key);
    writeHead(CborReader.BYTES, value.length);
    append(value, 0, value.length);
    return this;
  }

  CborWriter unsigned(String key, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(key + " must not be negative: " + value);
    }
    key(key);
    writeHead(CborReader.UNSIGNED, value);
    return this;
  }

  CborWriter bool(String key, boolean value) {
    key(key);
    appendByte(value ? CborReader.TRUE : CborReader.FALSE);
    return this;
  }

  CborWriter textArray(String key, List<String> values) {
    key(key);
    writeHead(CborReader.ARRAY, values.size());
    values.forEach(this::writeText);
    return this;
  }

  CborWriter map(String key, CborWriter nested) {
    key(key);
    byte[] encoded = nested.toMap();
    append(encoded, 0, encoded.length);
    return this;
  }

  /** The entries written so far as one definite-length CBOR map. */
  byte[] toMap() {
    CborWriter header = new CborWriter();
    header.writeHead(CborReader.MAP, entries);
    byte[] map = Arrays.copyOf(header.buffer, header.size + size);
    System.arraycopy(buffer, 0, map, header.size, size);
    return map;
  }

  private void key(String key) {
    entries++;
    writeText(key);
  }

  private void writeText(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeHead(CborReader.TEXT, utf8.length);
    append(utf8, 0, utf8.length);
  }

  /** The shortest head for the value, as RFC 8949 preferred serialization asks. */
  private void writeHead(int major, long value) {
    int type = major << 5;
    if (value < 24) {
      appendByte(type | (int) value);
    } else if (value <= 0xff) {
      appendByte(type | 24);
      appendByte((int) value);
    } else if (value <= 0xffff) {
      appendByte(type | 25);
      appendBigEndian(value, 2);
    } else if (value <= 0xffffffffL) {
      appendByte(type | 26);
      appendBigEndian(value, 4);
    } else {
      appendByte(type | 27);
      appendBigEndian(value, 8);
    }
  }

  private void appendBigEndian(long value, int width) {
    for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
      appendByte((int) (value >>> shift));
    }
  }

  private void appendByte(int value) {
    ensureCapacity(1);
    buffer[size++] = (byte) value;
  }

  private void append(byte[] source, int offset, int length) {
    ensureCapacity(length);
    System.arraycopy(source, offset, buffer, size, length);
    size += length;
  }

  private void ensureCapacity(int extra) {
    if (size + extra > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
    }
  }
}
