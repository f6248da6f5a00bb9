package dev.minutes.loadtool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.sync.codec.ChangeChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The load tool writes its keystrokes' changes itself; they must be the very bytes Automerge
 * commits for the same splice, or the tool would load the server with changes no real client sends.
 * Every keystroke here is made twice, by the writer on one replica and by Automerge on a twin
 * replica of the same actor holding the same changes, and the bytes are compared.
 */
@DisplayName("The load tool's keystroke changes")
class KeystrokeChangesTest {
  private final List<Document> natives = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom(7);
  private ObjectId body;

  @AfterEach
  void free() {
    natives.forEach(Document::free);
  }

  @Test
  @DisplayName("are byte for byte Automerge's, alone and among concurrent authors")
  void matchAutomergeByteForByte() {
    Document creator = track(new Document(new byte[] {(byte) 0xaa, 0x01}));
    try (Transaction tx = creator.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "# Minutes\n");
      tx.commit();
    }
    byte[] start = creator.save();
    List<Author> authors =
        List.of(
            new Author(new byte[] {0x01, 0x02, 0x03, 0x04}, start),
            new Author(new byte[] {0x05, 0x06}, start),
            new Author(new byte[] {0x07, 0x08, 0x09}, start));

    int written = 0;
    for (int round = 0; round < 60; round++) {
      for (Author author : authors) {
        for (int k = random.nextInt(4); k > 0; k--) {
          written += author.keystroke() ? 1 : 0;
        }
      }
      // Hand each author's new changes to some of the others, so heads are often concurrent.
      for (Author from : authors) {
        for (Author to : authors) {
          if (from != to && random.nextInt(3) > 0) {
            to.receive(from.replica.encodeChangesSince(to.replica.getHeads()));
          }
        }
      }
    }
    for (Author a : authors) {
      for (Author b : authors) {
        b.receive(a.replica.encodeChangesSince(b.replica.getHeads()));
      }
    }

    assertThat(written)
        .as("keystrokes the writer made (the rest went through Automerge)")
        .isGreaterThan(150);
    assertThat(authors)
        .extracting(a -> a.replica.text(body).orElseThrow())
        .containsOnly(authors.get(0).replica.text(body).orElseThrow());
    assertThat(authors.get(0).replica.text(body).orElseThrow())
        .hasSize(10 + authors.stream().mapToInt(a -> a.typed).sum());
  }

  @Test
  @DisplayName(
      "are Automerge's at the start of the text, after the author's own character and after another's")
  void matchAutomergeAtEachKindOfPosition() {
    Document creator = track(new Document(new byte[] {(byte) 0xcc}));
    try (Transaction tx = creator.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "ab"); // the creator's characters, at 0 and 1
      tx.commit();
    }
    Author author = new Author(new byte[] {0x11, 0x22}, creator.save());
    assertThat(author.keystroke(2)).as("the first keystroke teaches the counters").isFalse();

    assertThat(author.keystroke(0)).as("at the start of the text").isTrue();
    assertThat(author.keystroke(1)).as("after the author's own character").isTrue();
    assertThat(author.keystroke(3)).as("after the creator's character").isTrue();
    assertThat(author.replica.text(body)).isEqualTo(author.twin.text(body));
    assertThat(author.replica.text(body).orElseThrow()).hasSize(6);
  }

  @Test
  @DisplayName("wait for counters learnt from a change of Automerge's, and forget them on request")
  void needCounters() {
    Document replica = track(new Document(new byte[] {0x01}));
    ObjectId text;
    try (Transaction tx = replica.startTransaction()) {
      text = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.commit();
    }
    KeystrokeChanges changes = new KeystrokeChanges(replica.getActorId());
    assertThat(changes.ready()).isFalse();
    assertThatThrownBy(() -> changes.insert(text.toString(), Optional.empty(), "x", heads(replica)))
        .isInstanceOf(IllegalStateException.class);

    byte[] own = replica.encodeChangesSince(new ChangeHash[0]);
    changes.learnOwn(ChangeChunk.parse(own, 0, own.length));
    assertThat(changes.ready()).isTrue();
    ChangeChunk written = changes.insert(text.toString(), Optional.empty(), "x", heads(replica));
    replica.applyEncodedChanges(written.bytes());
    assertThat(replica.text(text)).hasValue("x");
    assertThat(replica.getHeads()[0].getBytes()).isEqualTo(written.hash());

    changes.observe(
        ChangeChunk.assemble(new byte[] {0})); // no dependencies, then nothing: unreadable
    assertThat(changes.ready()).as("a change it cannot read").isFalse();
    changes.learnOwn(written);
    changes.forget();
    assertThat(changes.ready()).isFalse();
  }

  private Document track(Document document) {
    natives.add(document);
    return document;
  }

  private static List<byte[]> heads(Document document) {
    return LeanSync.bytes(document.getHeads());
  }

  /** One author: the replica the writer types into, and its twin where Automerge types the same. */
  private final class Author {
    final Document replica;
    final Document twin;
    final KeystrokeChanges writer;
    int typed;

    Author(byte[] actor, byte[] start) {
      replica = track(new Document(actor));
      twin = track(new Document(actor));
      replica.applyEncodedChanges(start);
      twin.applyEncodedChanges(start);
      writer = new KeystrokeChanges(actor);
    }

    /** Types one character at a random position; returns whether the writer wrote it. */
    boolean keystroke() {
      return keystroke(random.nextLong(replica.length(body) + 1));
    }

    /** Types one character at {@code position}; returns whether the writer wrote it. */
    boolean keystroke(long position) {
      String character = String.valueOf((char) ('a' + random.nextInt(26)));
      ChangeHash[] before = twin.getHeads();
      try (Transaction tx = twin.startTransaction()) {
        tx.spliceText(body, position, 0, character);
        tx.commit();
      }
      byte[] automerges = twin.encodeChangesSince(before);
      typed++;
      if (!writer.ready()) {
        replica.applyEncodedChanges(automerges);
        writer.learnOwn(ChangeChunk.parse(automerges, 0, automerges.length));
        return false;
      }
      Optional<String> after =
          position == 0
              ? Optional.empty()
              : Optional.of(replica.makeCursor(body, position - 1).toString());
      ChangeChunk written = writer.insert(body.toString(), after, character, heads(replica));
      assertThat(written.bytes()).as("change %d of %s", typed, body).isEqualTo(automerges);
      replica.applyEncodedChanges(written.bytes());
      return true;
    }

    void receive(byte[] changes) {
      if (changes.length == 0) {
        return;
      }
      replica.applyEncodedChanges(changes);
      twin.applyEncodedChanges(changes);
      ChangeChunk.splitAll(changes).forEach(writer::observe);
    }
  }
}
