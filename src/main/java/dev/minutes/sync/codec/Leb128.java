package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * LEB128 integers as Automerge writes and reads them (sync messages, bloom filters, change chunks).
 */
public final class Leb128 {
  private Leb128() {}

  /** Writes {@code value} as unsigned LEB128 (7 bits a byte, low bits first). */
  public static void writeUnsigned(ByteArrayOutputStream out, long value) {
    long rest = value;
    do {
      int b = (int) (rest & 0x7f);
      rest >>>= 7;
      out.write(rest != 0 ? b | 0x80 : b);
    } while (rest != 0);
  }

  /**
   * Writes {@code value} as signed LEB128 (two's complement, sign taken from bit 6 of the last
   * byte).
   */
  public static void writeSigned(ByteArrayOutputStream out, long value) {
    long rest = value;
    while (true) {
      int b = (int) (rest & 0x7f);
      rest >>= 7;
      boolean done = (rest == 0 && (b & 0x40) == 0) || (rest == -1 && (b & 0x40) != 0);
      out.write(done ? b : b | 0x80);
      if (done) {
        return;
      }
    }
  }

  /**
   * Reads bytes and LEB128 numbers from a byte array; running past its end or a number wider than
   * 64 bits throws {@link MalformedMessageException} naming {@code what} is being read.
   */
  public static final class Reader {
    private final byte[] data;
    private final String what;
    private int pos;

    public Reader(byte[] data, int pos, String what) {
      this.data = data;
      this.pos = pos;
      this.what = what;
    }

    public int position() {
      return pos;
    }

    /** A second reader of the same bytes, at {@code position}. */
    public Reader copyAt(int position) {
      return new Reader(data, position, what);
    }

    public int remaining() {
      return data.length - pos;
    }

    public int u8() {
      if (pos >= data.length) {
        throw new MalformedMessageException(what + ": truncated");
      }
      return data[pos++] & 0xff;
    }

    public long unsigned() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        if (shift > 63) {
          throw new MalformedMessageException(what + ": number overflows");
        }
        int b = u8();
        value |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
    }

    public long signed() {
      long value = 0;
      int shift = 0;
      int b;
      do {
        if (shift > 63) {
          throw new MalformedMessageException(what + ": number overflows");
        }
        b = u8();
        value |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0);
      return shift < 64 && (b & 0x40) != 0 ? value | -1L << shift : value;
    }

    public void skip(long count) {
      if (count < 0 || count > remaining()) {
        throw new MalformedMessageException(what + ": a length exceeds what is left");
      }
      pos += (int) count;
    }

    public byte[] bytes(long count) {
      int from = pos;
      skip(count);
      return Arrays.copyOfRange(data, from, pos);
    }
  }
}
