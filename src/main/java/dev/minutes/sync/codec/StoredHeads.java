package dev.minutes.sync.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The heads of a stored document (a snapshot, then the log entries after it), read without
 * Automerge, which may take many seconds to load a long history of many authors.
 *
 * <p>The snapshot's document chunk names its heads ({@code actors · heads · columns…}, see {@link
 * ChunkCensus}); each change after it takes the place of its dependencies among the heads. That is
 * exact when the changes come in causal order and none repeats one the snapshot holds, which is
 * what a log holds unless a client sent a change before its dependency or sent one twice. So the
 * answer is a claim, and whoever acts on it checks it against Automerge's heads once the document
 * has loaded. Chunks this reader does not follow (a compressed change, a second whole document)
 * give no answer.
 */
public final class StoredHeads {
  private static final byte[] MAGIC = {(byte) 0x85, 0x6f, 0x4a, (byte) 0x83};
  private static final int TYPE_DOCUMENT = 0;
  private static final int TYPE_CHANGE = 1;
  private static final int HASH_LENGTH = 32;

  private final Set<ByteBuffer> heads = new LinkedHashSet<>();
  private final Set<ByteBuffer> seenChanges = new HashSet<>();

  private StoredHeads() {}

  /**
   * The heads of {@code snapshot} followed by {@code entries}, sorted as Automerge sorts them;
   * empty when a chunk is not one this reader follows.
   *
   * @throws MalformedMessageException if the bytes are not well-formed chunks
   */
  public static Optional<List<byte[]>> of(byte[] snapshot, List<byte[]> entries) {
    StoredHeads reader = new StoredHeads();
    boolean followed = reader.read(snapshot, true);
    for (int i = 0; followed && i < entries.size(); i++) {
      followed = reader.read(entries.get(i), false);
    }
    return followed ? Optional.of(reader.sorted()) : Optional.empty();
  }

  /**
   * Reads concatenated chunks; false at the first one it does not follow. A document chunk is
   * followed only at the very start of the snapshot, where it holds the whole history so far.
   */
  private boolean read(byte[] chunks, boolean isSnapshot) {
    int pos = 0;
    while (pos < chunks.length) {
      int type = typeAt(chunks, pos);
      if (type == TYPE_CHANGE) {
        ChangeChunk change = ChangeChunk.parse(chunks, pos, chunks.length);
        add(change);
        pos += change.bytes().length;
      } else if (type == TYPE_DOCUMENT && isSnapshot && pos == 0) {
        pos = readDocument(chunks);
      } else {
        return false;
      }
    }
    return true;
  }

  private void add(ChangeChunk change) {
    ByteBuffer hash = ByteBuffer.wrap(change.hash());
    if (!seenChanges.add(hash) || heads.contains(hash)) {
      return; // a repeat changes nothing
    }
    change.deps().forEach(dep -> heads.remove(ByteBuffer.wrap(dep)));
    heads.add(hash);
  }

  /** Takes the heads of the document chunk at the start of {@code chunks}; returns its end. */
  private int readDocument(byte[] chunks) {
    Leb128.Reader in = new Leb128.Reader(chunks, 8, "document chunk");
    in.u8(); // the type, already known
    long length = in.unsigned();
    if (length > in.remaining()) {
      throw new MalformedMessageException(
          "document chunk: length " + length + " exceeds the " + in.remaining() + " bytes left");
    }
    int end = in.position() + (int) length;
    long actors = in.unsigned();
    for (long i = 0; i < actors; i++) {
      in.skip(in.unsigned());
    }
    long count = in.unsigned();
    if (count > (end - in.position()) / HASH_LENGTH) {
      throw new MalformedMessageException("document chunk: " + count + " heads do not fit");
    }
    for (long i = 0; i < count; i++) {
      heads.add(ByteBuffer.wrap(in.bytes(HASH_LENGTH)));
    }
    if (in.position() > end) {
      throw new MalformedMessageException("document chunk: its actors run past its end");
    }
    return end;
  }

  private static int typeAt(byte[] chunks, int pos) {
    if (chunks.length - pos < 10 || !Arrays.equals(chunks, pos, pos + 4, MAGIC, 0, 4)) {
      throw new MalformedMessageException("chunk: magic bytes missing at " + pos);
    }
    return chunks[pos + 8] & 0xff;
  }

  private List<byte[]> sorted() {
    List<byte[]> sorted = new ArrayList<>();
    for (ByteBuffer head : heads) {
      sorted.add(head.array());
    }
    sorted.sort(Arrays::compareUnsigned);
    return sorted;
  }
}
