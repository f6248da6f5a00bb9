package dev.minutes.sync.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One frame checked to be a single well-formed CBOR map, with the position of the value of each key
 * the codec knows. Values are decoded only when asked for, with the type the message type expects:
 * a field that does not matter for a message's type is never interpreted, and keys the codec does
 * not know are skipped without allocating anything for their values.
 */
final class FrameFields {

  private static final long TAG_UINT8_ARRAY = 64;
  private static final long TAG_UINT8_CLAMPED_ARRAY = 68;
  private static final double TWO_TO_THE_63 = 0x1p63;

  private final byte[] frame;
  private final int[] valueOffsets;

  private FrameFields(byte[] frame, int[] valueOffsets) {
    this.frame = frame;
    this.valueOffsets = valueOffsets;
  }

  static FrameFields index(byte[] frame) {
    if (frame.length == 0) {
      throw new MalformedMessageException("empty frame: expected one CBOR map");
    }
    CborReader reader = new CborReader(frame, 0);
    reader.readHeader();
    if (reader.major() != CborReader.MAP) {
      throw new MalformedMessageException(
          "frame is not a CBOR map (found " + reader.describeHeader() + ")");
    }
    int[] offsets = new int[WireField.values().length];
    Arrays.fill(offsets, -1);
    long count = reader.elementCount(2);
    if (count < 0) {
      while (!reader.consumeBreak()) {
        indexEntry(reader, offsets);
      }
    } else {
      for (long entry = 0; entry < count; entry++) {
        indexEntry(reader, offsets);
      }
    }
    if (!reader.atEnd()) {
      throw new MalformedMessageException(
          "trailing bytes: "
              + reader.remaining()
              + " bytes follow the CBOR map at offset "
              + reader.position());
    }
    return new FrameFields(frame, offsets);
  }

  private static void indexEntry(CborReader reader, int[] offsets) {
    WireField field = null;
    if (reader.peekMajor() == CborReader.TEXT) {
      reader.readHeader();
      field = WireField.forKey(reader.stringContent());
    } else {
      reader.skipItem(1);
    }
    int valueOffset = reader.position();
    reader.skipItem(1);
    if (field != null) {
      if (offsets[field.ordinal()] >= 0) {
        throw new MalformedMessageException("duplicate key '" + field.key() + "'");
      }
      offsets[field.ordinal()] = valueOffset;
    }
  }

  /** A text field that must be there; null and undefined count as missing. */
  String requiredText(WireField field) {
    String value = optionalText(field);
    if (value == null) {
      throw missing(field);
    }
    return value;
  }

  /** A text field that may be absent, null or undefined (all read as null). */
  String optionalText(WireField field) {
    CborReader reader = valueReader(field);
    if (reader == null) {
      return null;
    }
    return readText(reader, field.key());
  }

  /** A list of text strings, or null when absent, null or undefined. */
  List<String> optionalTextList(WireField field) {
    CborReader reader = valueReader(field);
    if (reader == null) {
      return null;
    }
    reader.readHeader();
    if (reader.major() != CborReader.ARRAY) {
      throw illTyped(field.key(), "an array", reader);
    }
    long count = reader.elementCount(1);
    List<String> values = new ArrayList<>();
    while (count < 0 ? !reader.consumeBreak() : values.size() < count) {
      values.add(readText(reader, field.key() + "[" + values.size() + "]"));
    }
    return values;
  }

  /** A non-empty byte string; a Uint8Array typed-array tag (64 or 68) around it is accepted. */
  byte[] requiredBytes(WireField field) {
    CborReader reader = valueReader(field);
    if (reader == null) {
      throw missing(field);
    }
    reader.readHeader();
    if (reader.major() == CborReader.TAG
        && (reader.argument() == TAG_UINT8_ARRAY || reader.argument() == TAG_UINT8_CLAMPED_ARRAY)) {
      reader.readHeader();
    }
    if (reader.major() != CborReader.BYTES) {
      throw illTyped(field.key(), "a byte string", reader);
    }
    byte[] value = reader.stringContent();
    if (value.length == 0) {
      throw new MalformedMessageException("empty " + field.key() + ": a byte string of zero bytes");
    }
    return value;
  }

  /**
   * A non-negative integer. JS numbers may arrive as CBOR integers or as floats (cbor-x writes
   * float64 for large or computed values), so an integral float is accepted too.
   */
  long count(WireField field) {
    CborReader reader = valueReader(field);
    if (reader == null) {
      throw missing(field);
    }
    reader.readHeader();
    if (reader.major() == CborReader.UNSIGNED) {
      if (reader.argument() < 0) {
        throw new MalformedMessageException(field.key() + " is larger than 2^63-1");
      }
      return reader.argument();
    }
    if (reader.major() == CborReader.NEGATIVE) {
      throw new MalformedMessageException(field.key() + " is negative");
    }
    if (!reader.headerIsFloat()) {
      throw illTyped(field.key(), "a number", reader);
    }
    double value = reader.floatValue();
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw new MalformedMessageException(field.key() + " is not a finite number");
    }
    if (value < 0) {
      throw new MalformedMessageException(field.key() + " is negative");
    }
    if (value != Math.rint(value)) {
      throw new MalformedMessageException(field.key() + " is not an integer: " + value);
    }
    if (value >= TWO_TO_THE_63) {
      throw new MalformedMessageException(field.key() + " is larger than 2^63-1");
    }
    return (long) value;
  }

  /** A documentId that must be a valid base58check id. */
  String documentId() {
    String id = requiredText(WireField.DOCUMENT_ID);
    if (!DocumentIds.isValid(id)) {
      throw new MalformedMessageException(
          "documentId " + printable(id) + " is not a valid base58check document id");
    }
    return id;
  }

  /** {@code peerMetadata}; absent, null or undefined yields {@link PeerMetadata#UNKNOWN}. */
  PeerMetadata peerMetadata() {
    CborReader reader = valueReader(WireField.PEER_METADATA);
    if (reader == null) {
      return PeerMetadata.UNKNOWN;
    }
    reader.readHeader();
    if (reader.major() != CborReader.MAP) {
      throw illTyped(WireField.PEER_METADATA.key(), "a map", reader);
    }
    String prefix = WireField.PEER_METADATA.key() + ".";
    String storageId = null;
    boolean storageIdSeen = false;
    Boolean isEphemeral = null;
    long count = reader.elementCount(2);
    for (long entry = 0; count < 0 ? !reader.consumeBreak() : entry < count; entry++) {
      String key = null;
      if (reader.peekMajor() == CborReader.TEXT) {
        reader.readHeader();
        key = new String(reader.stringContent(), StandardCharsets.UTF_8);
      } else {
        reader.skipItem(2);
      }
      if (WireField.STORAGE_ID.equals(key)) {
        if (storageIdSeen) {
          throw new MalformedMessageException("duplicate key '" + prefix + key + "'");
        }
        storageIdSeen = true;
        storageId =
            reader.nextIsNullOrUndefined() ? skipNull(reader) : readText(reader, prefix + key);
      } else if (WireField.IS_EPHEMERAL.equals(key)) {
        if (isEphemeral != null) {
          throw new MalformedMessageException("duplicate key '" + prefix + key + "'");
        }
        isEphemeral = readBoolean(reader, prefix + key);
      } else {
        reader.skipItem(2);
      }
    }
    return new PeerMetadata(storageId, Boolean.TRUE.equals(isEphemeral));
  }

  /** A reader at the field's value, or null when the field is absent, null or undefined. */
  private CborReader valueReader(WireField field) {
    int offset = valueOffsets[field.ordinal()];
    if (offset < 0) {
      return null;
    }
    CborReader reader = new CborReader(frame, offset);
    return reader.nextIsNullOrUndefined() ? null : reader;
  }

  private static String readText(CborReader reader, String what) {
    reader.readHeader();
    if (reader.major() != CborReader.TEXT) {
      throw illTyped(what, "a text string", reader);
    }
    return reader.textContent(what);
  }

  /** A boolean where JS may also have left the value undefined (read as false). */
  private static boolean readBoolean(CborReader reader, String what) {
    reader.readHeader();
    if (reader.major() == CborReader.SIMPLE) {
      switch (reader.info()) {
        case 20, 22, 23:
          return false;
        case 21:
          return true;
        default:
          break;
      }
    }
    throw illTyped(what, "a boolean", reader);
  }

  private static String skipNull(CborReader reader) {
    reader.readHeader();
    return null;
  }

  private static MalformedMessageException missing(WireField field) {
    return new MalformedMessageException("missing " + field.key());
  }

  private static MalformedMessageException illTyped(
      String what, String expected, CborReader reader) {
    return new MalformedMessageException(
        what + " is not " + expected + " (found " + reader.describeHeader() + ")");
  }

  /**
   * Quotes untrusted text for an error message: short, printable ASCII only, so logs stay clean.
   */
  static String printable(String untrusted) {
    int limit = 64;
    StringBuilder quoted = new StringBuilder("'");
    for (int i = 0; i < untrusted.length() && i < limit; i++) {
      char c = untrusted.charAt(i);
      quoted.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    if (untrusted.length() > limit) {
      quoted.append("...' (").append(untrusted.length()).append(" chars)");
    } else {
      quoted.append('\'');
    }
    return quoted.toString();
  }
}
