package dev.minutes.sync.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A cursor over CBOR (RFC 8949) bytes that trusts nothing it reads.
 *
 * <p>Every declared length is checked against the bytes that remain before anything is allocated or
 * skipped, so a hostile header such as "byte string of 4 GiB" fails at once instead of allocating.
 * Every loop consumes at least one byte per round, so declared element counts cannot make it spin
 * past the end of the input. Nesting is limited by {@link #MAX_DEPTH}, so recursion stays shallow.
 */
final class CborReader {

  /** Deepest nesting accepted; real messages need 5 (remote-heads-changed). */
  static final int MAX_DEPTH = 32;

  static final int UNSIGNED = 0;
  static final int NEGATIVE = 1;
  static final int BYTES = 2;
  static final int TEXT = 3;
  static final int ARRAY = 4;
  static final int MAP = 5;
  static final int TAG = 6;
  static final int SIMPLE = 7;

  static final int FALSE = 0xf4;
  static final int TRUE = 0xf5;
  static final int NULL = 0xf6;
  static final int UNDEFINED = 0xf7;

  private static final int INFO_INDEFINITE = 31;
  private static final int BREAK = 0xff;
  private static final int INFO_HALF_FLOAT = 25;
  private static final int INFO_SINGLE_FLOAT = 26;
  private static final int INFO_DOUBLE_FLOAT = 27;

  private final byte[] in;
  private int pos;

  // The header most recently read by readHeader().
  private int headerOffset;
  private int major;
  private int info;
  private long argument;

  CborReader(byte[] in, int start) {
    this.in = in;
    this.pos = start;
  }

  int position() {
    return pos;
  }

  boolean atEnd() {
    return pos >= in.length;
  }

  int remaining() {
    return in.length - pos;
  }

  /** The initial byte of the next item, without consuming it. */
  int peekInitialByte() {
    require(1, "a CBOR item");
    return in[pos] & 0xff;
  }

  int peekMajor() {
    return peekInitialByte() >>> 5;
  }

  /**
   * True when the next item is CBOR null or undefined: both stand for a JS field without a value.
   */
  boolean nextIsNullOrUndefined() {
    int initial = peekInitialByte();
    return initial == NULL || initial == UNDEFINED;
  }

  /**
   * Reads the initial byte and the argument of the next item; the content (if any) stays unread.
   */
  void readHeader() {
    headerOffset = pos;
    int initial = peekInitialByte();
    pos++;
    major = initial >>> 5;
    info = initial & 0x1f;
    if (info < 24) {
      argument = info;
    } else if (info <= 27) {
      int width = 1 << (info - 24);
      require(width, "the argument of the item at offset " + headerOffset);
      long value = 0;
      for (int i = 0; i < width; i++) {
        value = (value << 8) | (in[pos++] & 0xff);
      }
      argument = value;
    } else if (info < INFO_INDEFINITE) {
      throw malformedAt(headerOffset, "reserved additional information " + info);
    } else {
      argument = -1;
      if (major == UNSIGNED || major == NEGATIVE || major == TAG) {
        throw malformedAt(headerOffset, "indefinite length is not allowed for " + majorName(major));
      }
    }
    if (major == SIMPLE && info == 24 && argument < 32) {
      throw malformedAt(headerOffset, "two-byte encoding of simple value " + argument);
    }
    if (major == SIMPLE && info == INFO_INDEFINITE) {
      throw malformedAt(headerOffset, "break outside an indefinite-length item");
    }
  }

  int major() {
    return major;
  }

  int info() {
    return info;
  }

  /**
   * The raw argument: a value, a length, a count, a tag number, or float bits. Unsigned 64 bits.
   */
  long argument() {
    return argument;
  }

  boolean indefinite() {
    return info == INFO_INDEFINITE;
  }

  boolean headerIsFloat() {
    return major == SIMPLE && info >= INFO_HALF_FLOAT && info <= INFO_DOUBLE_FLOAT;
  }

  /** The value of the float whose header was just read. */
  double floatValue() {
    return switch (info) {
      case INFO_HALF_FLOAT -> halfToDouble((int) argument);
      case INFO_SINGLE_FLOAT -> Float.intBitsToFloat((int) argument);
      case INFO_DOUBLE_FLOAT -> Double.longBitsToDouble(argument);
      default -> throw new IllegalStateException("header is not a float");
    };
  }

  /**
   * For a definite-length array or map header just read: the declared count, or -1 if indefinite.
   * Each element takes at least one byte, so a count larger than the rest of the input is refused
   * here.
   */
  long elementCount(int bytesPerElement) {
    if (indefinite()) {
      return -1;
    }
    if (argument < 0 || argument > remaining() / bytesPerElement) {
      throw malformedAt(
          headerOffset,
          majorName(major)
              + " declares "
              + Long.toUnsignedString(argument)
              + (major == MAP ? " entries" : " elements")
              + " but only "
              + remaining()
              + " bytes remain");
    }
    return argument;
  }

  /** Consumes a break byte if it is next (end of an indefinite-length array or map). */
  boolean consumeBreak() {
    if (peekInitialByte() == BREAK) {
      pos++;
      return true;
    }
    return false;
  }

  /**
   * Reads the content of the byte or text string whose header was just read (definite or chunked)
   * and returns a copy. The copy is never larger than the input.
   */
  byte[] stringContent() {
    if (!indefinite()) {
      int length = definiteLength();
      byte[] content = Arrays.copyOfRange(in, pos, pos + length);
      pos += length;
      return content;
    }
    // Two passes: sum the chunk lengths, then copy once. Growing the result chunk by chunk would
    // copy quadratically on a frame made of many one-byte chunks.
    int stringMajor = major;
    int stringOffset = headerOffset;
    int contentStart = pos;
    int total = 0;
    while (!consumeBreak()) {
      int length = nextChunkLength(stringMajor, stringOffset); // moves pos past the chunk header
      pos += length;
      total += length; // cannot overflow: every chunk lies inside the input
    }
    byte[] content = new byte[total];
    pos = contentStart;
    int filled = 0;
    while (!consumeBreak()) {
      int length = nextChunkLength(stringMajor, stringOffset);
      System.arraycopy(in, pos, content, filled, length);
      pos += length;
      filled += length;
    }
    return content;
  }

  /** Reads a text string whose header was just read, refusing invalid UTF-8. */
  String textContent(String what) {
    byte[] utf8 = stringContent();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedMessageException(what + " is not valid UTF-8");
    }
  }

  /** Skips one complete item, checking that it is well-formed. */
  void skipItem(int depth) {
    if (depth > MAX_DEPTH) {
      throw malformedAt(pos, "nesting deeper than " + MAX_DEPTH + " levels");
    }
    readHeader();
    switch (major) {
      case UNSIGNED, NEGATIVE, SIMPLE -> {
        // the header is the whole item
      }
      case BYTES, TEXT -> skipStringContent();
      case ARRAY -> skipElements(depth, 1);
      case MAP -> skipElements(depth, 2);
      case TAG -> skipItem(depth + 1);
      default -> throw new IllegalStateException("major type " + major);
    }
  }

  private void skipElements(int depth, int itemsPerElement) {
    long count = elementCount(itemsPerElement);
    if (count < 0) {
      while (!consumeBreak()) {
        for (int i = 0; i < itemsPerElement; i++) {
          skipItem(depth + 1);
        }
      }
      return;
    }
    for (long element = 0; element < count; element++) {
      for (int i = 0; i < itemsPerElement; i++) {
        skipItem(depth + 1);
      }
    }
  }

  private void skipStringContent() {
    if (!indefinite()) {
      pos += definiteLength();
      return;
    }
    int stringMajor = major;
    int stringOffset = headerOffset;
    while (!consumeBreak()) {
      int length = nextChunkLength(stringMajor, stringOffset); // moves pos past the chunk header
      pos += length;
    }
  }

  /**
   * Reads the header of one chunk of an indefinite-length string and returns the chunk's length.
   */
  private int nextChunkLength(int stringMajor, int stringOffset) {
    readHeader();
    if (major != stringMajor || indefinite()) {
      throw malformedAt(
          headerOffset,
          "chunk of the indefinite-length "
              + majorName(stringMajor)
              + " at offset "
              + stringOffset
              + " is not a definite "
              + majorName(stringMajor));
    }
    return definiteLength();
  }

  private int definiteLength() {
    if (argument < 0 || argument > remaining()) {
      throw malformedAt(
          headerOffset,
          "truncated: "
              + majorName(major)
              + " declares "
              + Long.toUnsignedString(argument)
              + " bytes but only "
              + remaining()
              + " remain");
    }
    return (int) argument;
  }

  private void require(int bytes, String what) {
    if (remaining() < bytes) {
      throw malformedAt(pos, "truncated: expected " + what + " but the input ends");
    }
  }

  /** A short description of the item whose header was just read, for error messages. */
  String describeHeader() {
    if (major == TAG) {
      return "tag " + Long.toUnsignedString(argument);
    }
    if (major != SIMPLE) {
      return majorName(major);
    }
    return switch (info) {
      case 20 -> "false";
      case 21 -> "true";
      case 22 -> "null";
      case 23 -> "undefined";
      case INFO_HALF_FLOAT, INFO_SINGLE_FLOAT, INFO_DOUBLE_FLOAT -> "float";
      default -> "simple value " + argument;
    };
  }

  static String majorName(int major) {
    return switch (major) {
      case UNSIGNED -> "unsigned integer";
      case NEGATIVE -> "negative integer";
      case BYTES -> "byte string";
      case TEXT -> "text string";
      case ARRAY -> "array";
      case MAP -> "map";
      case TAG -> "tag";
      default -> "simple value";
    };
  }

  static MalformedMessageException malformedAt(int offset, String problem) {
    return new MalformedMessageException(
        "not well-formed CBOR at offset " + offset + ": " + problem);
  }

  /** IEEE 754 half precision; Java 17 has no Float.float16ToFloat. */
  private static double halfToDouble(int bits) {
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    double magnitude;
    if (exponent == 0) {
      magnitude = Math.scalb((double) mantissa, -24);
    } else if (exponent != 31) {
      magnitude = Math.scalb((double) (mantissa + 1024), exponent - 25);
    } else {
      magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    }
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
  }
}
