package dev.minutes.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The heads of a stored document, read without Automerge")
class StoredHeadsTest {
  private final List<Document> documents = new ArrayList<>();
  private Document origin;
  private byte[] snapshot;

  @BeforeEach
  void createSnapshot() {
    origin = track(new Document());
    try (Transaction tx = origin.startTransaction()) {
      ObjectId body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "hello");
      tx.commit();
    }
    type(origin, "!");
    snapshot = origin.save();
  }

  @AfterEach
  void free() {
    documents.forEach(Document::free);
  }

  @Test
  @DisplayName("a snapshot alone: the heads its document chunk names")
  void snapshotAlone() {
    assertThat(StoredHeads.of(snapshot, List.of())).hasValueSatisfying(sameAs(origin.getHeads()));
  }

  @Test
  @DisplayName(
      "a log of concurrent authors after the snapshot: the heads Automerge gives for the same bytes")
  void concurrentAuthors() {
    Document ann = track(origin.fork());
    Document bob = track(origin.fork());
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      entries.add(typeAndEncode(ann, "a"));
      entries.add(typeAndEncode(bob, "b"));
    }
    Document loaded = loaded(entries);
    assertThat(loaded.getHeads()).hasSize(2);

    assertThat(StoredHeads.of(snapshot, entries)).hasValueSatisfying(sameAs(loaded.getHeads()));

    // A merge by a third author makes a single head again.
    Document cy = track(loaded.fork());
    entries.add(typeAndEncode(cy, "c"));
    assertThat(StoredHeads.of(snapshot, entries)).hasValueSatisfying(sameAs(cy.getHeads()));
  }

  @Test
  @DisplayName("a change sent twice counts once")
  void repeatedChange() {
    Document ann = track(origin.fork());
    byte[] first = typeAndEncode(ann, "a");
    byte[] second = typeAndEncode(ann, "b");
    List<byte[]> entries = List.of(first, second, first);

    assertThat(StoredHeads.of(snapshot, entries)).hasValueSatisfying(sameAs(ann.getHeads()));
  }

  @Test
  @DisplayName(
      "a change stored before its dependency is a claim that differs from Automerge, which holds it back")
  void changeBeforeItsDependency() {
    Document ann = track(origin.fork());
    typeAndEncode(ann, "a"); // never stored
    byte[] dependent = typeAndEncode(ann, "b");
    Document loaded = loaded(List.of(dependent));

    assertThat(StoredHeads.of(snapshot, List.of(dependent)))
        .hasValueSatisfying(heads -> assertThat(same(heads, loaded.getHeads())).isFalse());
  }

  @Test
  @DisplayName("a whole document in the log is not followed: no answer")
  void documentInTheLog() {
    Document ann = track(origin.fork());
    type(ann, "a");
    assertThat(StoredHeads.of(snapshot, List.of(ann.save()))).isEmpty();
  }

  @Test
  @DisplayName("bytes that are not chunks are refused")
  void refusesGarbage() {
    assertThatThrownBy(() -> StoredHeads.of(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, List.of()))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("magic");
    byte[] truncated = Arrays.copyOf(snapshot, 20);
    assertThatThrownBy(() -> StoredHeads.of(truncated, List.of()))
        .isInstanceOf(MalformedMessageException.class);
  }

  private Document loaded(List<byte[]> entries) {
    Document loaded = track(Document.load(snapshot));
    entries.forEach(loaded::applyEncodedChanges);
    return loaded;
  }

  private Document track(Document document) {
    documents.add(document);
    return document;
  }

  private static byte[] typeAndEncode(Document document, String text) {
    ChangeHash[] before = document.getHeads();
    type(document, text);
    return document.encodeChangesSince(before);
  }

  private static void type(Document document, String text) {
    ObjectId body = ((AmValue.Text) document.get(ObjectId.ROOT, "body").orElseThrow()).getId();
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, 0, 0, text);
      tx.commit();
    }
  }

  private static java.util.function.Consumer<List<byte[]>> sameAs(ChangeHash[] expected) {
    return heads -> assertThat(same(heads, expected)).as("the same heads").isTrue();
  }

  private static boolean same(List<byte[]> heads, ChangeHash[] expected) {
    return heads.size() == expected.length
        && Arrays.stream(expected)
            .allMatch(head -> heads.stream().anyMatch(h -> Arrays.equals(h, head.getBytes())));
  }
}
