package dev.minutes.sync.codec;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole Automerge sync message, read and written without Automerge: what the server's fast sync
 * path needs (the changes themselves and the {@code have} entries, not only the header that {@link
 * SyncMessageInspector} reads).
 *
 * @param heads the sender's heads (32-byte hashes)
 * @param needCount how many changes the sender asks for
 * @param lastSyncs per {@code have} entry, how many last-sync hashes it names (0 = a reset)
 * @param blooms per {@code have} entry, its bloom filter bytes (empty for none)
 * @param changes the change chunks, each as sent (not split further)
 * @param offersVersion2 whether the message ends with capabilities that include version 2 messages
 *     (Automerge answers such a peer in version 2 from then on)
 */
public record SyncMessageParts(
    List<byte[]> heads,
    int needCount,
    List<Integer> lastSyncs,
    List<byte[]> blooms,
    List<byte[]> changes,
    boolean offersVersion2) {
  private static final int CAPABILITY_VERSION_2 = 2;
  private static final int VERSION_1 = 0x42;
  private static final int VERSION_2 = 0x43;
  private static final int HASH_LENGTH = 32;
  private static final byte[] EMPTY_BLOOM = new byte[0];

  /**
   * The bloom filter of the first {@code have} entry, empty when there is none (what Automerge's
   * sync reads).
   */
  public byte[] firstBloom() {
    return blooms.isEmpty() ? EMPTY_BLOOM : blooms.get(0);
  }

  /**
   * Reads a message; {@link SyncMessageInspector} must have accepted it before (lengths are checked
   * again here all the same).
   */
  public static SyncMessageParts read(byte[] message) {
    Reader in = new Reader(message);
    int version = in.u8();
    if (version != VERSION_1 && version != VERSION_2) {
      throw new MalformedMessageException("sync message: unknown version " + version);
    }
    List<byte[]> heads = in.hashes();
    int need = in.hashes().size();
    int haveCount = in.count(2);
    List<Integer> lastSyncs = new ArrayList<>(haveCount);
    List<byte[]> blooms = new ArrayList<>(haveCount);
    for (int i = 0; i < haveCount; i++) {
      lastSyncs.add(in.hashes().size());
      blooms.add(in.bytes());
    }
    int changeCount = in.count(1);
    List<byte[]> changes = new ArrayList<>(changeCount);
    for (int i = 0; i < changeCount; i++) {
      changes.add(in.bytes());
    }
    boolean offersVersion2 = false;
    if (in.remaining() > 0) {
      for (byte capability : in.bytes()) {
        offersVersion2 |= capability == CAPABILITY_VERSION_2;
      }
    }
    return new SyncMessageParts(heads, need, lastSyncs, blooms, changes, offersVersion2);
  }

  /**
   * Writes the message a server sends to a peer that holds everything of ours but {@code changes}:
   * our heads, no need, one {@code have} entry whose last sync is our heads with an empty bloom
   * filter ("I hold exactly these heads and nothing else"), and the changes. Automerge writes an
   * empty bloom filter as zero bytes, and this is its version 1 layout, which every Automerge
   * reads.
   */
  public static byte[] write(List<byte[]> heads, List<byte[]> changes) {
    return write(heads, heads, EMPTY_BLOOM, changes, false);
  }

  /**
   * Writes a version 1 message with no need and one {@code have} entry: "since {@code lastSync} I
   * hold only the changes in {@code bloom}" (Automerge's bloom filter bytes, empty for none), then
   * the changes. This is what an Automerge peer that is in step with the other side sends; in
   * {@code version2} (to a peer that offered it) the same fields follow the version 2 byte
   * (capabilities are offered only on the first message of a sync state, so none follow).
   */
  public static byte[] write(
      List<byte[]> heads,
      List<byte[]> lastSync,
      byte[] bloom,
      List<byte[]> changes,
      boolean version2) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            64 + (heads.size() + lastSync.size()) * 33 + bloom.length + total(changes));
    out.write(version2 ? VERSION_2 : VERSION_1);
    hashes(out, heads);
    Leb128.writeUnsigned(out, 0); // need
    Leb128.writeUnsigned(out, 1); // one have entry
    hashes(out, lastSync);
    Leb128.writeUnsigned(out, bloom.length);
    out.writeBytes(bloom);
    Leb128.writeUnsigned(out, changes.size());
    for (byte[] change : changes) {
      Leb128.writeUnsigned(out, change.length);
      out.writeBytes(change);
    }
    return out.toByteArray();
  }

  /**
   * Writes the answer to a peer that holds nothing: version 2, our heads, and the whole saved
   * document as its one chunk (which version 2 allows), so the peer loads one compressed document
   * instead of applying every change of the meeting one by one. The {@code have} entry says
   * "exactly these heads" as in {@link #write}; no capabilities follow.
   */
  public static byte[] writeDocument(List<byte[]> heads, byte[] savedDocument) {
    return writeDocument(heads, List.of(savedDocument));
  }

  /**
   * {@link #writeDocument(List, byte[])} with the document given as consecutive chunks (a stored
   * snapshot and the log entries after it), written straight into the message without joining them
   * into one array first.
   */
  public static byte[] writeDocument(List<byte[]> heads, List<byte[]> documentChunks) {
    int length = documentChunks.stream().mapToInt(chunk -> chunk.length).sum();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + heads.size() * 64 + length);
    out.write(VERSION_2);
    hashes(out, heads);
    Leb128.writeUnsigned(out, 0);
    Leb128.writeUnsigned(out, 1);
    hashes(out, heads);
    Leb128.writeUnsigned(out, 0);
    Leb128.writeUnsigned(out, 1);
    Leb128.writeUnsigned(out, length);
    documentChunks.forEach(out::writeBytes);
    Leb128.writeUnsigned(out, 0); // capabilities: none
    return out.toByteArray();
  }

  private static int total(List<byte[]> changes) {
    int total = 0;
    for (byte[] change : changes) {
      total += change.length + 5;
    }
    return total;
  }

  private static void hashes(ByteArrayOutputStream out, List<byte[]> hashes) {
    Leb128.writeUnsigned(out, hashes.size());
    for (byte[] hash : hashes) {
      out.writeBytes(hash);
    }
  }

  private static final class Reader {
    private final Leb128.Reader in;

    Reader(byte[] data) {
      this.in = new Leb128.Reader(data, 0, "sync message");
    }

    int u8() {
      return in.u8();
    }

    int count(int minBytesEach) {
      long value = in.unsigned();
      if (value > in.remaining() / minBytesEach) {
        throw new MalformedMessageException("sync message: a length exceeds the message");
      }
      return (int) value;
    }

    List<byte[]> hashes() {
      int n = count(HASH_LENGTH);
      List<byte[]> hashes = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        hashes.add(in.bytes(HASH_LENGTH));
      }
      return hashes;
    }

    int remaining() {
      return in.remaining();
    }

    byte[] bytes() {
      return in.bytes(count(1));
    }
  }
}
