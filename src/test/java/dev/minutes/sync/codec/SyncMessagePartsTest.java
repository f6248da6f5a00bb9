package dev.minutes.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.SyncState;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Sync messages written and read without Automerge, understood by Automerge")
class SyncMessagePartsTest {
  private final List<Document> documents = new ArrayList<>();
  private final List<SyncState> states = new ArrayList<>();
  private Document server;
  private ObjectId body;

  @BeforeEach
  void createDocument() {
    server = track(new Document());
    try (Transaction tx = server.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "hello");
      tx.commit();
    }
  }

  @AfterEach
  void free() {
    states.forEach(SyncState::free);
    documents.forEach(Document::free);
  }

  @Test
  @DisplayName(
      "a peer holding our old heads applies the changes of a written message and acknowledges our new heads")
  void peerAppliesWrittenChanges() {
    Document peer = track(Document.load(server.save()));
    SyncState peerState = state();
    ChangeHash[] before = server.getHeads();
    ChangeHash made = type(server, 0, "X");
    byte[] change = server.encodeChangesSince(before);

    peer.receiveSyncMessage(
        peerState, SyncMessageParts.write(List.of(made.getBytes()), List.of(change)));

    assertThat(text(peer)).isEqualTo("Xhello");
    SyncMessageParts reply =
        SyncMessageParts.read(peer.generateSyncMessage(peerState).orElseThrow());
    assertThat(reply.heads()).containsExactly(made.getBytes());
    assertThat(reply.needCount()).isZero();
    assertThat(reply.changes()).isEmpty();
  }

  @Test
  @DisplayName(
      "after a written message, the peer's next message carries exactly its own new change")
  void peerSendsOnlyItsNewChange() {
    Document peer = track(Document.load(server.save()));
    SyncState peerState = state();
    List<byte[]> heads = hashes(server.getHeads());
    peer.receiveSyncMessage(peerState, SyncMessageParts.write(heads, List.of()));
    peer.generateSyncMessage(peerState);
    ChangeHash typed = type(peer, 5, "!");

    SyncMessageParts message =
        SyncMessageParts.read(peer.generateSyncMessage(peerState).orElseThrow());

    assertThat(message.changes()).hasSize(1);
    assertThat(
            ChangeChunk.parse(message.changes().get(0), 0, message.changes().get(0).length).hash())
        .isEqualTo(typed.getBytes());
    server.applyEncodedChanges(message.changes().get(0));
    assertThat(text(server)).isEqualTo("hello!");
  }

  @Test
  @DisplayName("a document given as a snapshot and log entries is written as the same one chunk")
  void documentChunksAreOneChunk() {
    byte[] snapshot = {1, 2, 3, 4, 5};
    byte[] entry = {6, 7};
    byte[] laterEntry = {8, 9, 10};
    List<byte[]> heads = List.of(new byte[32]);

    assertThat(SyncMessageParts.writeDocument(heads, List.of(snapshot, entry, laterEntry)))
        .isEqualTo(
            SyncMessageParts.writeDocument(heads, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  }

  @Test
  @DisplayName("a peer that holds nothing loads the whole document from one written message")
  void emptyPeerLoadsWholeDocument() {
    for (int i = 0; i < 50; i++) {
      type(server, i, "x");
    }
    Document peer = track(new Document());
    SyncState peerState = state();

    peer.receiveSyncMessage(
        peerState, SyncMessageParts.writeDocument(hashes(server.getHeads()), server.save()));

    assertThat(text(peer)).isEqualTo(text(server));
    assertThat(hashes(peer.getHeads()))
        .containsExactlyInAnyOrderElementsOf(hashes(server.getHeads()));
  }

  @Test
  @DisplayName(
      "reading messages Automerge wrote gives their heads and have entries: a first one names no last sync")
  void readsAutomergeMessages() {
    Document peer = track(Document.load(server.save()));
    SyncState serverState = state();
    SyncState peerState = state();

    SyncMessageParts first =
        SyncMessageParts.read(peer.generateSyncMessage(peerState).orElseThrow());
    assertThat(first.heads()).containsExactlyInAnyOrderElementsOf(hashes(peer.getHeads()));
    assertThat(first.lastSyncs()).containsExactly(0);

    exchange(server, serverState, peer, peerState);
    ChangeHash typed = type(peer, 0, "Y");
    SyncMessageParts later =
        SyncMessageParts.read(peer.generateSyncMessage(peerState).orElseThrow());
    assertThat(later.heads()).containsExactly(typed.getBytes());
    assertThat(later.needCount()).isZero();
    assertThat(later.lastSyncs()).isNotEmpty().doesNotContain(0);
  }

  private void exchange(Document a, SyncState aState, Document b, SyncState bState) {
    for (int round = 0; round < 10; round++) {
      Optional<byte[]> fromA = a.generateSyncMessage(aState);
      fromA.ifPresent(m -> b.receiveSyncMessage(bState, m));
      Optional<byte[]> fromB = b.generateSyncMessage(bState);
      fromB.ifPresent(m -> a.receiveSyncMessage(aState, m));
      if (fromA.isEmpty() && fromB.isEmpty()) {
        return;
      }
    }
  }

  private ChangeHash type(Document document, long at, String text) {
    Optional<ChangeHash> hash;
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, at, 0, text);
      hash = tx.commit();
    }
    return hash.orElseThrow();
  }

  private String text(Document document) {
    AmValue.Text value = (AmValue.Text) document.get(ObjectId.ROOT, "body").orElseThrow();
    return document.text(value.getId()).orElseThrow();
  }

  private static List<byte[]> hashes(ChangeHash[] heads) {
    List<byte[]> out = new ArrayList<>();
    for (ChangeHash head : heads) {
      out.add(head.getBytes());
    }
    return out;
  }

  private Document track(Document document) {
    documents.add(document);
    return document;
  }

  private SyncState state() {
    SyncState state = new SyncState();
    states.add(state);
    return state;
  }
}
