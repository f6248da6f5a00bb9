package dev.minutes.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ChunkCensus counts changes and inserted elements without Automerge")
class ChunkCensusTest {
  private Document document;
  private ObjectId body;

  @BeforeEach
  void createDocument() {
    document = new Document();
    try (Transaction tx = document.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.commit();
    }
  }

  @AfterEach
  void free() {
    document.free();
  }

  @Test
  @DisplayName("one change splicing five characters: one change, five inserted")
  void oneChange() {
    byte[] change = splice(0, 0, "hello");

    assertThat(ChunkCensus.of(change)).isEqualTo(changes(1, 5));
  }

  @Test
  @DisplayName("a deletion inserts nothing; concatenated chunks add up")
  void deletionsAndConcatenation() {
    byte[] insert = splice(0, 0, "abcdef");
    byte[] delete = splice(1, 3, "");
    byte[] both = concat(insert, delete);

    assertThat(ChunkCensus.of(delete)).isEqualTo(changes(1, 0));
    assertThat(ChunkCensus.of(both)).isEqualTo(changes(2, 6));
  }

  @Test
  @DisplayName("a saved document counts its whole history, compressed columns included")
  void savedDocument() {
    for (int i = 0; i < 400; i++) {
      // A map write between inserts makes the insert column alternate: too long to stay
      // uncompressed.
      try (Transaction tx = document.startTransaction()) {
        tx.set(ObjectId.ROOT, "round", i);
        tx.spliceText(body, i * 25, 0, "twenty-five characters..!");
        tx.commit();
      }
    }
    splice(0, 5_000, ""); // deleted text still counts: it is history

    ChunkCensus census = ChunkCensus.of(document.save());

    assertThat(census.changeChunks()).isEqualTo(ChunkCensus.Tally.ZERO);
    assertThat(census.documents()).isEqualTo(new ChunkCensus.Tally(1 + 400 + 1, 400 * 25));
    assertThat(census.oversized()).isFalse();
  }

  @Test
  @DisplayName("a compressed change (chunk type 2) is inflated and counted")
  void compressedChange() {
    byte[] change = splice(0, 0, "x".repeat(3_000));

    assertThat(ChunkCensus.of(compressed(change))).isEqualTo(changes(1, 3_000));
  }

  @Test
  @DisplayName("a compressed chunk inflating beyond 16 MiB is oversized, not inflated further")
  void oversized() {
    byte[] bomb = compressedChunk(new byte[ChunkCensus.MAX_INFLATED + 1]);

    assertThat(ChunkCensus.of(bomb).oversized()).isTrue();
  }

  @Test
  @DisplayName("truncated or unknown chunks are refused as malformed")
  void malformed() {
    byte[] change = splice(0, 0, "hello");
    byte[] truncated = Arrays.copyOf(change, change.length - 3);
    byte[] unknownType = change.clone();
    unknownType[8] = 7;

    assertThatThrownBy(() -> ChunkCensus.of(truncated))
        .isInstanceOf(MalformedMessageException.class);
    assertThatThrownBy(() -> ChunkCensus.of(unknownType))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("unknown chunk type 7");
  }

  private static ChunkCensus changes(long changes, long inserted) {
    return new ChunkCensus(new ChunkCensus.Tally(changes, inserted), ChunkCensus.Tally.ZERO, false);
  }

  private byte[] splice(int index, int delete, String text) {
    ChangeHash[] before = document.getHeads();
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, index, delete, text);
      tx.commit();
    }
    return document.encodeChangesSince(before);
  }

  /** The same change as a type 2 chunk: its body deflated. */
  private static byte[] compressed(byte[] change) {
    Leb128.Reader in = new Leb128.Reader(change, 9, "test");
    byte[] body = in.bytes(in.unsigned());
    return compressedChunk(body);
  }

  private static byte[] compressedChunk(byte[] body) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(body);
    deflater.finish();
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      deflated.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    chunk.writeBytes(new byte[] {(byte) 0x85, 0x6f, 0x4a, (byte) 0x83, 0, 0, 0, 0, 2});
    Leb128.writeUnsigned(chunk, deflated.size());
    chunk.writeBytes(deflated.toByteArray());
    return chunk.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
