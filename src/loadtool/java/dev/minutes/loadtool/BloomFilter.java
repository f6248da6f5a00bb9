package dev.minutes.loadtool;

import dev.minutes.sync.codec.Leb128;
import java.io.ByteArrayOutputStream;
import java.util.Collection;

/**
 * Automerge's sync bloom filter (10 bits per entry, 7 probes), written exactly as Automerge writes
 * it, so that a {@link LeanSync} message is byte for byte the one Automerge would have sent.
 */
final class BloomFilter {
  private static final int BITS_PER_ENTRY = 10;
  private static final int PROBES = 7;

  private BloomFilter() {}

  /** The filter of these 32-byte change hashes, encoded; empty (zero bytes) for no hashes. */
  static byte[] encode(Collection<byte[]> hashes) {
    if (hashes.isEmpty()) {
      return new byte[0];
    }
    byte[] bits = new byte[(int) Math.ceil(hashes.size() * (double) BITS_PER_ENTRY / 8)];
    long modulo = 8L * bits.length;
    for (byte[] hash : hashes) {
      for (long probe : probes(hash, modulo, PROBES)) {
        bits[(int) (probe >>> 3)] |= (byte) (1 << (probe & 7));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(bits.length + 8);
    Leb128.writeUnsigned(out, hashes.size());
    Leb128.writeUnsigned(out, BITS_PER_ENTRY);
    Leb128.writeUnsigned(out, PROBES);
    out.writeBytes(bits);
    return out.toByteArray();
  }

  /**
   * Whether the encoded filter may hold {@code hash} (false positives included, as in Automerge).
   * An empty or unreadable filter holds nothing.
   */
  static boolean mayContain(byte[] encoded, byte[] hash) {
    int[] pos = {0};
    long entries = readLeb128(encoded, pos);
    long bitsPerEntry = readLeb128(encoded, pos);
    long probes = readLeb128(encoded, pos);
    int bitBytes = encoded.length - pos[0];
    if (entries <= 0 || bitsPerEntry <= 0 || probes <= 0 || bitBytes <= 0) {
      return false;
    }
    for (long probe : probes(hash, 8L * bitBytes, (int) Math.min(probes, 64))) {
      if ((encoded[pos[0] + (int) (probe >>> 3)] & (1 << (probe & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Reads an unsigned LEB128 at {@code pos[0]}, advancing it; -1 when the bytes end first. */
  private static long readLeb128(byte[] bytes, int[] pos) {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos[0] >= bytes.length) {
        return -1;
      }
      int b = bytes[pos[0]++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    return -1;
  }

  /**
   * Automerge's probe positions of a hash in a filter of {@code modulo} bits (double hashing from
   * its first 12 bytes).
   */
  private static long[] probes(byte[] hash, long modulo, int count) {
    long[] probes = new long[count];
    long x = littleEndianU32(hash, 0) % modulo;
    long y = littleEndianU32(hash, 4) % modulo;
    long z = littleEndianU32(hash, 8) % modulo;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        x = (x + y) % modulo;
        y = (y + z) % modulo;
      }
      probes[i] = x;
    }
    return probes;
  }

  private static long littleEndianU32(byte[] bytes, int at) {
    return (bytes[at] & 0xffL)
        | (bytes[at + 1] & 0xffL) << 8
        | (bytes[at + 2] & 0xffL) << 16
        | (bytes[at + 3] & 0xffL) << 24;
  }
}
