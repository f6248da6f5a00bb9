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
 * The load tool's lean sync must send what Automerge's own sync sends, or the load it puts on a
 * server would not be a real client's. Each step here runs both on the same replica and compares
 * the bytes.
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

  /** The lean sync under test in the conversation. */
  private LeanSync lean;

  /**
   * Whether the conversation still compares bytes. A bloom filter false positive (about 1 in 100
   * per check, in either direction) makes Automerge's sync keep a change back or ask for one: the
   * typist then goes back to Automerge's sync, and from there on only Automerge's messages are
   * exchanged.
   */
  private boolean comparing = true;

  private int compared;

  /** The server's latest message to the client. */
  private byte[] lastToClient;

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
    lean = LeanSync.startIfInStep(client, heads(server), true, serverBloom()).orElseThrow();

    type(client, lean, "a");

    byte[] expected = client.generateSyncMessage(clientState).orElseThrow();
    assertThat(lean.nextMessage())
        .hasValueSatisfying(message -> assertThat(message).isEqualTo(expected));
  }

  @Test
  @DisplayName(
      "keystrokes, acknowledgements and other authors' changes: every message equals Automerge's until a bloom false positive")
  void conversationMatchesAutomerge() {
    lean = LeanSync.startIfInStep(client, heads(server), true, serverBloom()).orElseThrow();
    for (int round = 0; round < 20; round++) {
      // The client types one or two characters before anything comes back.
      for (int k = 0; k <= round % 2; k++) {
        type(client, lean, String.valueOf((char) ('a' + round)));
        sendBothWays();
      }
      // Another author types; the server forwards it.
      typeWithAutomerge(other, String.valueOf((char) ('A' + round)));
      syncUntilQuiet(other, otherState, serverForOther);
      Optional<byte[]> toClient = server.generateSyncMessage(serverForClient);
      assertThat(toClient)
          .as("round %d: the server forwards the other author's change", round)
          .isPresent();
      deliverToClient(toClient.get());
      sendBothWays();
    }
    syncUntilQuiet(client, clientState, serverForClient);
    syncUntilQuiet(other, otherState, serverForOther);
    assertThat(compared).as("messages compared byte for byte").isPositive();
    assertThat(client.text(body)).isEqualTo(server.text(body)).isEqualTo(other.text(body));
    assertThat(client.text(body).orElseThrow()).hasSize("# Minutes\n".length() + 30 + 20);
  }

  @Test
  @DisplayName("hands a message that asks for changes back to Automerge's sync")
  void needGoesBackToAutomerge() {
    lean = LeanSync.startIfInStep(client, heads(server), true, serverBloom()).orElseThrow();
    SyncState fresh = track(new SyncState());
    // A fresh sync state on the server's side starts over: its first message names no last sync.
    byte[] restart = server.generateSyncMessage(fresh).orElseThrow();

    assertThat(lean.receive(SyncMessageParts.read(restart))).isPresent();
  }

  @Test
  @DisplayName("does not start while the server's heads differ from the typist's")
  void startsOnlyInStep() {
    List<byte[]> before = heads(server);
    typeWithAutomerge(client, "x");

    assertThat(LeanSync.startIfInStep(client, before, true, new byte[0])).isEmpty();
    assertThat(LeanSync.startIfInStep(client, null, true, new byte[0])).isEmpty();
  }

  @Test
  @DisplayName("writes Automerge's bloom filter: the server sends nothing the typist already holds")
  void bloomFilterKeepsOwnChangesFromComingBack() {
    // No server filter to honour: both keystrokes go out, whatever the server's last filter
    // matched.
    lean = LeanSync.startIfInStep(client, heads(server), true, new byte[0]).orElseThrow();
    type(client, lean, "a");
    byte[] first = lean.nextMessage().orElseThrow();
    type(client, lean, "b");
    byte[] second = lean.nextMessage().orElseThrow();

    server.receiveSyncMessage(serverForClient, first);
    server.receiveSyncMessage(serverForClient, second);
    byte[] answer = server.generateSyncMessage(serverForClient).orElseThrow();

    assertThat(SyncMessageParts.read(answer).changes()).isEmpty();
    assertThat(lean.receive(SyncMessageParts.read(answer))).isEmpty();
    assertThat(client.text(body)).isEqualTo(server.text(body));
  }

  // ---- helpers ----

  /**
   * One message each way, comparing the client's message with Automerge's before the server gets
   * it.
   */
  private void sendBothWays() {
    Optional<byte[]> expected = clientMessage();
    if (expected.isEmpty()) {
      return;
    }
    server.receiveSyncMessage(serverForClient, expected.get());
    server.generateSyncMessage(serverForClient).ifPresent(this::deliverToClient);
    clientMessage().ifPresent(ack -> server.receiveSyncMessage(serverForClient, ack));
  }

  /** Automerge's next message from the client, checked against the lean sync's while comparing. */
  private Optional<byte[]> clientMessage() {
    Optional<byte[]> expected = client.generateSyncMessage(clientState);
    if (comparing) {
      Optional<byte[]> actual = lean.nextMessage();
      assertThat(actual.isPresent()).as("a message is due").isEqualTo(expected.isPresent());
      expected.ifPresent(message -> assertThat(actual.get()).isEqualTo(message));
      compared++;
      comparing = !lean.holdsBack();
    }
    return expected;
  }

  /**
   * Both sync paths read the server's message on the same replica (the second application is a
   * no-op).
   */
  private void deliverToClient(byte[] message) {
    if (comparing) {
      Optional<String> unhandled = lean.receive(SyncMessageParts.read(message));
      // The one steady message a typist hands back: the server took a change of the other author
      // for one
      // the client holds (a false positive of the client's filter) and names it without sending it.
      unhandled.ifPresent(
          reason -> assertThat(reason).isEqualTo("the server names heads this typist lacks"));
      comparing = unhandled.isEmpty();
    }
    client.receiveSyncMessage(clientState, message);
    lastToClient = message;
  }

  /** The bloom filter of the server's latest message to the client. */
  private byte[] serverBloom() {
    return SyncMessageParts.read(lastToClient).firstBloom();
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
      if (peer == client && down.isPresent()) {
        lastToClient = down.get();
      }
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
