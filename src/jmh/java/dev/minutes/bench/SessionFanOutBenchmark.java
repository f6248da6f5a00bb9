package dev.minutes.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.automerge.AmValue;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.SyncState;
import org.automerge.Transaction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a document session does per keystroke, without I/O: the server document receives one peer's
 * one-character change through that peer's SyncState, then generates the next sync message for each
 * of the N peers (the sender included), all of them in sync before.
 *
 * <p>Only that is timed. Before each keystroke peer 0 types and encodes it; after it every peer
 * receives what the server generated and answers until all are in sync again. Each change grows the
 * document's history, and Automerge's sync cost grows with it, so every iteration starts from the
 * same document (with {@code history} earlier changes) and times exactly {@value #KEYSTROKES}
 * keystrokes: the figures of different N compare like with like.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(batchSize = SessionFanOutBenchmark.KEYSTROKES)
@Measurement(batchSize = SessionFanOutBenchmark.KEYSTROKES)
@OperationsPerInvocation(SessionFanOutBenchmark.KEYSTROKES)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SessionFanOutBenchmark {
  static final int KEYSTROKES = 200;
  private static final String INITIAL_BODY =
      "### Agenda ###\n\n- Sync\n- Storage\n\n### Notes ###\n\n".repeat(20);

  @Param({"1", "10", "50"})
  public int peers;

  /** Changes in the document before the iteration's keystrokes (one character each). */
  @Param({"0", "2000"})
  public int history;

  private byte[] baseline;
  private Document server;
  private final List<SyncState> serverStates = new ArrayList<>();
  private final List<Document> clients = new ArrayList<>();
  private final List<SyncState> clientStates = new ArrayList<>();
  private byte[] keystroke;
  private byte[][] generated;
  private int typed;

  @Setup(Level.Trial)
  public void buildBaseline() {
    Document document = new Document();
    ObjectId body;
    try (Transaction tx = document.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, INITIAL_BODY);
      tx.commit();
    }
    for (int i = 0; i < history; i++) {
      try (Transaction tx = document.startTransaction()) {
        tx.spliceText(body, i % INITIAL_BODY.length(), 0, "h");
        tx.commit();
      }
    }
    baseline = document.save();
    document.free();
  }

  /** The server loads the baseline and N fresh peers sync it in full. */
  @Setup(Level.Iteration)
  public void connectPeers() {
    server = Document.load(baseline);
    generated = new byte[peers][];
    typed = 0;
    for (int i = 0; i < peers; i++) {
      serverStates.add(new SyncState());
      clients.add(new Document());
      clientStates.add(new SyncState());
    }
    settle();
  }

  /** Peer 0 types one character; its sync message is what the timed call receives. */
  @Setup(Level.Invocation)
  public void typeOneCharacter() {
    Document typist = clients.get(0);
    ObjectId body = ((AmValue.Text) typist.get(ObjectId.ROOT, "body").orElseThrow()).getId();
    try (Transaction tx = typist.startTransaction()) {
      tx.spliceText(body, typed++, 0, "x");
      tx.commit();
    }
    keystroke = typist.generateSyncMessage(clientStates.get(0)).orElseThrow();
  }

  @Benchmark
  public void receiveOneChangeAndGenerateForAllPeers() {
    server.receiveSyncMessage(serverStates.get(0), keystroke);
    for (int i = 0; i < peers; i++) {
      // Kept in a field, so the JIT cannot drop the work; delivered after the measurement.
      generated[i] = server.generateSyncMessage(serverStates.get(i)).orElse(null);
    }
  }

  /** Delivers what the server generated and lets everyone answer until nobody has more to say. */
  @TearDown(Level.Invocation)
  public void deliverAndSettle() {
    for (int i = 0; i < peers; i++) {
      if (generated[i] != null) {
        clients.get(i).receiveSyncMessage(clientStates.get(i), generated[i]);
        generated[i] = null;
      }
    }
    settle();
  }

  private void settle() {
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < peers; i++) {
        Optional<byte[]> toServer = clients.get(i).generateSyncMessage(clientStates.get(i));
        if (toServer.isPresent()) {
          server.receiveSyncMessage(serverStates.get(i), toServer.get());
          progress = true;
        }
        Optional<byte[]> toClient = server.generateSyncMessage(serverStates.get(i));
        if (toClient.isPresent()) {
          clients.get(i).receiveSyncMessage(clientStates.get(i), toClient.get());
          progress = true;
        }
      }
    }
  }

  @TearDown(Level.Iteration)
  public void disconnectPeers() {
    serverStates.forEach(SyncState::free);
    clientStates.forEach(SyncState::free);
    clients.forEach(Document::free);
    server.free();
    serverStates.clear();
    clientStates.clear();
    clients.clear();
  }
}
