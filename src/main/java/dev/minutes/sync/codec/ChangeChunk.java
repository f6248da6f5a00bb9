package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One uncompressed Automerge change chunk, read without Automerge: its bytes, its hash and the
 * hashes it depends on.
 *
 * <p>Chunk layout: {@code magic(85 6f 4a 83) · checksum(4 B) · type(1 B) · LEB128 length · body};
 * the hash is SHA-256 over {@code type · LEB128 length · body} and the checksum is its first four
 * bytes, which {@link #parse} verifies. A change body starts with its dependencies: LEB128 n, n ×
 * 32-byte hashes. Only type 1 (change) is read: compressed changes (type 2) and whole documents
 * (type 0) are refused, so callers take Automerge's own path for them.
 *
 * @param bytes the whole chunk, magic included (not copied)
 * @param hash its 32-byte change hash
 * @param deps the 32-byte hashes of the changes it depends on
 */
public record ChangeChunk(byte[] bytes, byte[] hash, List<byte[]> deps) {
  private static final byte[] MAGIC = {(byte) 0x85, 0x6f, 0x4a, (byte) 0x83};
  private static final int CHANGE = 1;
  private static final int HASH_LENGTH = 32;

  /**
   * Splits concatenated chunks (an entry of the change log, or {@code encodeChangesSince}) into
   * changes.
   *
   * @throws MalformedMessageException if any chunk is not a well-formed uncompressed change
   */
  public static List<ChangeChunk> splitAll(byte[] concatenated) {
    List<ChangeChunk> chunks = new ArrayList<>();
    int pos = 0;
    while (pos < concatenated.length) {
      ChangeChunk chunk = parse(concatenated, pos, concatenated.length);
      chunks.add(chunk);
      pos += chunk.bytes.length;
    }
    return chunks;
  }

  /**
   * Wraps a change body (dependencies, actor, counters, op columns) in a chunk: magic, checksum,
   * type and length, as Automerge writes it.
   */
  public static ChangeChunk assemble(byte[] body) {
    ByteArrayOutputStream hashed = new ByteArrayOutputStream(body.length + 6);
    hashed.write(CHANGE);
    Leb128.writeUnsigned(hashed, body.length);
    hashed.writeBytes(body);
    byte[] typeLengthBody = hashed.toByteArray();
    byte[] hash = sha256(typeLengthBody, 0, typeLengthBody.length);
    byte[] chunk = new byte[8 + typeLengthBody.length];
    System.arraycopy(MAGIC, 0, chunk, 0, 4);
    System.arraycopy(hash, 0, chunk, 4, 4);
    System.arraycopy(typeLengthBody, 0, chunk, 8, typeLengthBody.length);
    return new ChangeChunk(chunk, hash, deps(body, 0, body.length));
  }

  /** Reads the chunk that starts at {@code from}; it must end by {@code limit}. */
  public static ChangeChunk parse(byte[] data, int from, int limit) {
    int pos = from;
    if (limit - pos < 10 || !Arrays.equals(data, pos, pos + 4, MAGIC, 0, 4)) {
      throw malformed("not a change chunk (magic bytes missing)");
    }
    pos += 8;
    int typeAt = pos;
    int type = data[pos++] & 0xff;
    if (type != CHANGE) {
      throw malformed("chunk type " + type + " is not an uncompressed change");
    }
    long length = 0;
    int shift = 0;
    while (true) {
      if (pos >= limit || shift > 28) {
        throw malformed("bad chunk length");
      }
      int b = data[pos++] & 0xff;
      length |= (long) (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (length > limit - pos) {
      throw malformed("chunk length " + length + " exceeds the " + (limit - pos) + " bytes left");
    }
    int bodyAt = pos;
    int end = pos + (int) length;
    byte[] hash = sha256(data, typeAt, end);
    if (!Arrays.equals(hash, 0, 4, data, from + 4, from + 8)) {
      throw malformed("chunk checksum does not match its hash");
    }
    return new ChangeChunk(Arrays.copyOfRange(data, from, end), hash, deps(data, bodyAt, end));
  }

  private static List<byte[]> deps(byte[] data, int pos, int end) {
    long count = 0;
    int shift = 0;
    while (true) {
      if (pos >= end || shift > 28) {
        throw malformed("bad dependency count");
      }
      int b = data[pos++] & 0xff;
      count |= (long) (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (count > (end - pos) / HASH_LENGTH) {
      throw malformed("dependency count " + count + " does not fit in the change");
    }
    List<byte[]> deps = new ArrayList<>((int) count);
    for (int i = 0; i < count; i++) {
      deps.add(Arrays.copyOfRange(data, pos, pos + HASH_LENGTH));
      pos += HASH_LENGTH;
    }
    return deps;
  }

  private static byte[] sha256(byte[] data, int from, int to) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(data, from, to - from);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static MalformedMessageException malformed(String problem) {
    return new MalformedMessageException("change chunk: " + problem);
  }
}
