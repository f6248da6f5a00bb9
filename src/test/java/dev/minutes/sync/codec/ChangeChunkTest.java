package dev.minutes.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Change chunks read without Automerge")
class ChangeChunkTest {
  private Document document;
  private ObjectId body;

  @BeforeEach
  void createDocument() {
    document = new Document();
    try (Transaction tx = document.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "hello");
      tx.commit();
    }
  }

  @AfterEach
  void free() {
    document.free();
  }

  @Test
  @DisplayName("a change's hash and dependencies are the ones Automerge gives")
  void hashAndDependencies() {
    ChangeHash[] before = document.getHeads();
    ChangeHash made = type("X");
    List<ChangeChunk> chunks = ChangeChunk.splitAll(document.encodeChangesSince(before));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).hash()).isEqualTo(made.getBytes());
    assertThat(chunks.get(0).deps()).containsExactly(before[0].getBytes());
  }

  @Test
  @DisplayName("concatenated changes split into each change, in order")
  void splitsConcatenatedChanges() {
    ChangeHash[] start = document.getHeads();
    ChangeHash first = type("a");
    ChangeHash second = type("b");
    List<ChangeChunk> chunks = ChangeChunk.splitAll(document.encodeChangesSince(start));
    assertThat(chunks)
        .extracting(ChangeChunk::hash)
        .containsExactly(first.getBytes(), second.getBytes());
    assertThat(chunks.get(1).deps()).containsExactly(first.getBytes());
  }

  @Test
  @DisplayName("a chunk whose checksum does not match its bytes is refused")
  void refusesCorruptChunk() {
    ChangeHash[] before = document.getHeads();
    type("X");
    byte[] chunk = document.encodeChangesSince(before);
    chunk[chunk.length - 1] ^= 0x01;
    assertThatThrownBy(() -> ChangeChunk.splitAll(chunk))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  @DisplayName("a whole saved document is not read as a change")
  void refusesDocumentChunk() {
    byte[] saved = document.save();
    assertThatThrownBy(() -> ChangeChunk.splitAll(saved))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("not an uncompressed change");
  }

  private ChangeHash type(String text) {
    Optional<ChangeHash> hash;
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, 0, 0, text);
      hash = tx.commit();
    }
    return hash.orElseThrow();
  }
}
