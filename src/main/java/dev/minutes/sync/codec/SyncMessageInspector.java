package dev.minutes.sync.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads the header of an Automerge sync message (the {@code data} of {@code sync} and {@code
 * request}) without handing the bytes to Automerge, so that the server can refuse changes from a
 * peer that may only read before any of them is applied.
 *
 * <p>Layout, as Automerge's own decoder reads it: {@code version(0x42|0x43) · heads(LEB128 n, n ×
 * 32 B) · need(same) · have(LEB128 n × {hashes as above, LEB128-length bloom filter}) ·
 * changes(LEB128 n × LEB128-length chunk) · [capabilities: LEB128 n × 1 B]}. Anything after the
 * capabilities is ignored, as Automerge ignores it.
 *
 * <p>The change count is exact: it is taken from the same length prefixes Automerge follows, and a
 * message this class cannot read completely up to its changes is refused rather than guessed at.
 * Every count is checked against the bytes that remain before it is used, so a hostile length never
 * causes a large allocation or a long loop.
 */
public final class SyncMessageInspector {

  private static final int VERSION_1 = 0x42;
  private static final int VERSION_2 = 0x43;
  private static final int HASH_LENGTH = 32;

  /** 64 bits take at most ten 7-bit groups. */
  private static final int MAX_LEB128_BYTES = 10;

  private final byte[] message;
  private int pos;

  /** Where each change chunk starts and ends, recorded while reading. */
  private final List<int[]> changeRanges = new ArrayList<>();

  private SyncMessageInspector(byte[] message) {
    this.message = message;
  }

  /**
   * Reads the header of one sync message.
   *
   * @throws MalformedMessageException if the message is empty, truncated, of an unknown version, or
   *     has a length that does not fit in it
   */
  public static SyncMessageSummary inspect(byte[] syncMessage) {
    Objects.requireNonNull(syncMessage, "syncMessage");
    return new SyncMessageInspector(syncMessage).read();
  }

  /**
   * The change chunks the message carries, concatenated exactly as sent (each is a change or, in a
   * v2 message, possibly a whole compressed document), or an empty array when it carries none.
   * Concatenated chunks are what {@code Document.applyEncodedChanges} (load-incremental) reads, so
   * the server stores them as they came.
   *
   * @throws MalformedMessageException as {@link #inspect}
   */
  public static byte[] changeChunks(byte[] syncMessage) {
    Objects.requireNonNull(syncMessage, "syncMessage");
    SyncMessageInspector inspector = new SyncMessageInspector(syncMessage);
    inspector.read();
    int total = 0;
    for (int[] range : inspector.changeRanges) {
      total += range[1] - range[0];
    }
    byte[] out = new byte[total];
    int at = 0;
    for (int[] range : inspector.changeRanges) {
      System.arraycopy(syncMessage, range[0], out, at, range[1] - range[0]);
      at += range[1] - range[0];
    }
    return out;
  }

  private SyncMessageSummary read() {
    if (message.length == 0) {
      throw malformed("empty sync message");
    }
    int versionByte = message[pos++] & 0xff;
    int version;
    if (versionByte == VERSION_1) {
      version = 1;
    } else if (versionByte == VERSION_2) {
      version = 2;
    } else {
      throw malformed(
          String.format(
              "unknown sync message version byte 0x%02x (expected 0x42 or 0x43)", versionByte));
    }
    List<byte[]> heads = readHashes("heads");
    int needCount = skipHashes("need");
    int haveCount = count("have", 2);
    for (int i = 0; i < haveCount; i++) {
      skipHashes("have[" + i + "].lastSync");
      skipBytes("have[" + i + "].bloom");
    }
    int changeCount = count("changes", 1);
    long changeBytes = 0;
    for (int i = 0; i < changeCount; i++) {
      int length = skipBytes("changes[" + i + "]");
      changeRanges.add(new int[] {pos - length, pos});
      changeBytes += length;
    }
    if (pos < message.length) {
      int capabilities = count("capabilities", 1);
      pos += capabilities;
    }
    return new SyncMessageSummary(version, heads, needCount, haveCount, changeCount, changeBytes);
  }

  private List<byte[]> readHashes(String section) {
    int count = count(section, HASH_LENGTH);
    List<byte[]> hashes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      hashes.add(Arrays.copyOfRange(message, pos, pos + HASH_LENGTH));
      pos += HASH_LENGTH;
    }
    return hashes;
  }

  private int skipHashes(String section) {
    int count = count(section, HASH_LENGTH);
    pos += count * HASH_LENGTH;
    return count;
  }

  /** Skips a LEB128-length-prefixed byte sequence and returns its length. */
  private int skipBytes(String section) {
    int length = count(section, 1);
    pos += length;
    return length;
  }

  /**
   * A LEB128 count of elements that each take at least {@code minBytesPerElement} bytes; refused
   * when the rest of the message could not hold that many.
   */
  private int count(String section, int minBytesPerElement) {
    int start = pos;
    long value = readUnsignedLeb128(section);
    long remaining = message.length - pos;
    if (value < 0 || value > remaining / minBytesPerElement) {
      throw malformed(
          section
              + " at offset "
              + start
              + " declares "
              + Long.toUnsignedString(value)
              + (minBytesPerElement == 1
                  ? ""
                  : " entries of at least " + minBytesPerElement + " bytes")
              + " but only "
              + remaining
              + " bytes remain");
    }
    return (int) value;
  }

  private long readUnsignedLeb128(String section) {
    long value = 0;
    for (int i = 0; i < MAX_LEB128_BYTES; i++) {
      if (pos >= message.length) {
        throw malformed("truncated: the message ends inside the length of " + section);
      }
      int b = message[pos++] & 0xff;
      if (i == MAX_LEB128_BYTES - 1 && b > 1) {
        throw malformed("length of " + section + " overflows 64 bits");
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw malformed("length of " + section + " overflows 64 bits");
  }

  private static MalformedMessageException malformed(String problem) {
    return new MalformedMessageException("sync message: " + problem);
  }
}
