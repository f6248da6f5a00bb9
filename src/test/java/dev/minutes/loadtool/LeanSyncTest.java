package dev.minutes.loadtool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.sync.codec.SyncMessageParts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

/**
 * The load tool's lean sync must send what Automerge's own sync sends, or the load it puts on a server
 * would not be a real client's. Each step here runs both on the same replica and compares the bytes.
 */
@DisplayName("The load tool's lean sync")
class LeanSyncTest {
  private final List<Object> natives = new ArrayList<>();
  private Document server;
  private Document client;
  private Document other;
  private SyncState serverForClient;
  private SyncState serverForOther;
  private SyncState clientState;
  private SyncState otherState;
  private ObjectId body;

  @BeforeEach
  void meeting() {
    server = track(new Document());
    try (Transaction tx = server.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "# Minutes\n");
      tx.commit();
    }
    client = track(new Document());
    other = track(new Document());
    serverForClient = track(new SyncState());
    serverForOther = track(new SyncState());
    clientState = track(new SyncState());
    otherState = track(new SyncState());
    syncUntilQuiet(client, clientState, serverForClient);
    syncUntilQuiet(other, otherState, serverForOther);
  }

  @AfterEach
  void free() {
    for (Object o : natives) {
      if (o instanceof Document d) {
        d.free();
      } else if (o instanceof SyncState s) {
        s.free();
      }
    }
  }

  @Test
  @DisplayName("sends a keystroke with exactly the bytes Automerge's sync would send")
  void keystrokeMatchesAutomerge() {
    LeanSync lean = LeanSync.startIfInStep(client, heads(server), true).orElseThrow();

    type(client, lean, "a");

    byte[] expected = client.generateSyncMessage(clientState).orElseThrow();
    assertThat(lean.nextMessage()).hasValueSatisfying(message -> assertThat(message).isEqualTo(expected));
  }

  @Test
  @DisplayName("keystrokes, acknowledgements and other authors' changes: every message equals Automerge's")
  void conversationMatchesAutomerge() {
    LeanSync lean = LeanSync.startIfInStep(client, heads(server), true).orElseThrow();
    for (int round = 0; round < 20; round++) {
      // The client types one or two characters before anything comes back.
      for (int k = 0; k <= round % 2; k++) {
        type(client, lean, String.valueOf((char) ('a' + round)));
        sendBothWays(lean);
      }
      // Another author types; the server forwards it.
      typeWithAutomerge(other, String.valueOf((char) ('A' + round)));
      syncUntilQuiet(other, otherState, serverForOther);
      Optional<byte[]> toClient = server.generateSyncMessage(serverForClient);
      assertThat(toClient).as("round %d: the server forwards the other author's change", round).isPresent();
      deliverToClient(lean, toClient.get());
      sendBothWays(lean);
    }
    syncUntilQuiet(other, otherState, serverForOther);
    assertThat(client.text(body)).isEqualTo(server.text(body)).isEqualTo(other.text(body));
    assertThat(client.text(body).orElseThrow()).hasSize("# Minutes\n".length() + 30 + 20);
  }

  @Test
  @DisplayName("hands a message that asks for changes back to Automerge's sync")
  void needGoesBackToAutomerge() {
    LeanSync lean = LeanSync.startIfInStep(client, heads(server), true).orElseThrow();
    SyncState fresh = track(new SyncState());
    // A fresh sync state on the server's side starts over: its first message names no last sync.
    byte[] restart = server.generateSyncMessage(fresh).orElseThrow();

    assertThat(lean.receive(restart)).isPresent();
  }

  @Test
  @DisplayName("does not start while the server's heads differ from the typist's")
  void startsOnlyInStep() {
    List<byte[]> before = heads(server);
    typeWithAutomerge(client, "x");

    assertThat(LeanSync.startIfInStep(client, before, true)).isEmpty();
    assertThat(LeanSync.startIfInStep(client, null, true)).isEmpty();
  }

  @Test
  @DisplayName("writes Automerge's bloom filter: the server sends nothing the typist already holds")
  void bloomFilterKeepsOwnChangesFromComingBack() {
    LeanSync lean = LeanSync.startIfInStep(client, heads(server), true).orElseThrow();
    type(client, lean, "a");
    byte[] first = lean.nextMessage().orElseThrow();
    type(client, lean, "b");
    byte[] second = lean.nextMessage().orElseThrow();

    server.receiveSyncMessage(serverForClient, first);
    server.receiveSyncMessage(serverForClient, second);
    byte[] answer = server.generateSyncMessage(serverForClient).orElseThrow();

    assertThat(SyncMessageParts.read(answer).changes()).isEmpty();
    assertThat(lean.receive(answer)).isEmpty();
    assertThat(client.text(body)).isEqualTo(server.text(body));
  }

  // ---- helpers ----

  /** One message each way, comparing the client's message with Automerge's before the server gets it. */
  private void sendBothWays(LeanSync lean) {
    Optional<byte[]> expected = client.generateSyncMessage(clientState);
    Optional<byte[]> actual = lean.nextMessage();
    assertThat(actual.isPresent()).isEqualTo(expected.isPresent());
    if (expected.isEmpty()) {
      return;
    }
    assertThat(actual.get()).isEqualTo(expected.get());
    server.receiveSyncMessage(serverForClient, expected.get());
    server.generateSyncMessage(serverForClient).ifPresent(answer -> deliverToClient(lean, answer));
    Optional<byte[]> expectedAck = client.generateSyncMessage(clientState);
    Optional<byte[]> actualAck = lean.nextMessage();
    assertThat(actualAck.isPresent()).as("an acknowledgement is due").isEqualTo(expectedAck.isPresent());
    expectedAck.ifPresent(ack -> {
      assertThat(actualAck.get()).isEqualTo(ack);
      server.receiveSyncMessage(serverForClient, ack);
    });
  }

  /** Both sync paths read the server's message on the same replica (the second application is a no-op). */
  private void deliverToClient(LeanSync lean, byte[] message) {
    assertThat(lean.receive(message)).as("the lean sync handles a steady server message").isEmpty();
    client.receiveSyncMessage(clientState, message);
  }

  private void type(Document doc, LeanSync lean, String text) {
    ChangeHash[] before = doc.getHeads();
    typeWithAutomerge(doc, text);
    lean.committed(before);
  }

  private void typeWithAutomerge(Document doc, String text) {
    ObjectId text0 = body(doc);
    try (Transaction tx = doc.startTransaction()) {
      tx.spliceText(text0, doc.length(text0), 0, text);
      tx.commit();
    }
  }

  private ObjectId body(Document doc) {
    return ((org.automerge.AmValue.Text) doc.get(ObjectId.ROOT, "body").orElseThrow()).getId();
  }

  private void syncUntilQuiet(Document peer, SyncState peerState, SyncState serverState) {
    for (int i = 0; i < 20; i++) {
      Optional<byte[]> up = peer.generateSyncMessage(peerState);
      up.ifPresent(m -> server.receiveSyncMessage(serverState, m));
      Optional<byte[]> down = server.generateSyncMessage(serverState);
      down.ifPresent(m -> peer.receiveSyncMessage(peerState, m));
      if (up.isEmpty() && down.isEmpty()) {
        return;
      }
    }
    throw new AssertionError("sync did not settle");
  }

  private static List<byte[]> heads(Document doc) {
    return LeanSync.bytes(doc.getHeads());
  }

  private <T> T track(T nativeObject) {
    natives.add(nativeObject);
    return nativeObject;
  }
}
