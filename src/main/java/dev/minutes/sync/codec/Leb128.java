package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;

/** LEB128 integers as Automerge writes them (sync messages, bloom filters, change chunks). */
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

  /** Writes {@code value} as signed LEB128 (two's complement, sign taken from bit 6 of the last byte). */
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
}
