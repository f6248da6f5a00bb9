package dev.minutes.bench;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
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
 * What one replica of a meeting pays per keystroke of the others, and per keystroke of its own,
 * when many authors type at once (automerge 0.5.7, the core inside the Java binding): the load
 * tool's typists in one big meeting (scenario b of {@code docs/performance.md}) do exactly this.
 *
 * <p>The meeting: {@code authors} replicas type one character each per round on top of everything
 * the others typed up to the previous round, so every change depends on many concurrent heads, as
 * in a real meeting. {@code historyRounds} rounds (default 60) make the history an iteration starts
 * from (so 60 changes with one author, 3,000 with fifty: with one author the costs below do not
 * grow with the history, {@code docs/performance.md} has the figures up to 50,000 changes; with
 * several they do, which {@code -p authors=10 -p historyRounds=200,800,1600} shows); the first
 * {@value #APPLIED} changes of the rounds after them are what an iteration applies, one per call
 * ({@link #applyEach}) or ten per call ({@link #applyTenAtOnce}); scores are per change. {@link
 * #encodeOwnKeystroke} times the binding's only way to get the bytes of a change just typed, {@code
 * encodeChangesSince} of the heads before it, on a replica that holds every measured change (so
 * with one author its heads are one line, with fifty they are concurrent).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConcurrentAuthorsBenchmark {
  static final int MEASURED_ROUNDS = 40;

  /**
   * Changes an apply iteration applies: the first of the measured rounds' (with one author its 40
   * rounds, with ten the changes of 4 rounds, with fifty 40 concurrent changes of one round).
   */
  static final int APPLIED = 40;

  @Param({"1", "50"})
  public int authors;

  /** Rounds typed before the measured ones: the history a replica holds when it applies them. */
  @Param({"60"})
  public int historyRounds;

  private byte[] baseline;
  private final List<byte[]> measured = new ArrayList<>();
  private Document replica;

  /**
   * For {@link #encodeOwnKeystroke}: a replica that holds everything and has just typed, and its
   * heads before.
   */
  private Document typed;

  private ChangeHash[] beforeKeystroke;
  private ObjectId body;
  private final SplittableRandom random = new SplittableRandom(3);

  @Setup(Level.Trial)
  public void buildMeeting() {
    Document seed = new Document();
    try (Transaction tx = seed.startTransaction()) {
      body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "# Minutes\n");
      tx.commit();
    }
    byte[] start = seed.save();
    seed.free();
    List<Document> typists = new ArrayList<>();
    for (int i = 0; i < authors; i++) {
      typists.add(Document.load(start));
    }
    Document observer = Document.load(start);
    List<byte[]> previousRound = List.of();
    for (int round = 0; round < historyRounds + MEASURED_ROUNDS; round++) {
      List<byte[]> thisRound = new ArrayList<>();
      for (Document typist : typists) {
        previousRound.forEach(typist::applyEncodedChanges);
        thisRound.add(typeOne(typist));
      }
      if (round < historyRounds) {
        thisRound.forEach(observer::applyEncodedChanges);
      } else {
        measured.addAll(thisRound);
      }
      previousRound = thisRound;
    }
    baseline = observer.save();
    observer.free();
    typists.forEach(Document::free);
    typeOnTopOfEverything();
  }

  @Setup(Level.Iteration)
  public void loadReplica() {
    replica = Document.load(baseline);
  }

  @TearDown(Level.Iteration)
  public void freeReplica() {
    replica.free();
  }

  private void typeOnTopOfEverything() {
    typed = Document.load(baseline);
    measured.forEach(typed::applyEncodedChanges);
    beforeKeystroke = typed.getHeads();
    typeOne(typed);
  }

  @TearDown(Level.Trial)
  public void freeTyped() {
    typed.free();
  }

  @Benchmark
  @OperationsPerInvocation(APPLIED)
  public Document applyEach() {
    for (int i = 0; i < APPLIED; i++) {
      replica.applyEncodedChanges(measured.get(i));
    }
    return replica;
  }

  @Benchmark
  @OperationsPerInvocation(APPLIED)
  public Document applyTenAtOnce() {
    for (int i = 0; i < APPLIED; i += 10) {
      ByteArrayOutputStream ten = new ByteArrayOutputStream();
      for (int k = i; k < i + 10; k++) {
        ten.writeBytes(measured.get(k));
      }
      replica.applyEncodedChanges(ten.toByteArray());
    }
    return replica;
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 5, time = 2)
  public byte[] encodeOwnKeystroke() {
    return typed.encodeChangesSince(beforeKeystroke);
  }

  private byte[] typeOne(Document typist) {
    ChangeHash[] before = typist.getHeads();
    long length = typist.length(body);
    try (Transaction tx = typist.startTransaction()) {
      tx.spliceText(body, random.nextLong(length + 1), 0, "a");
      tx.commit();
    }
    return typist.encodeChangesSince(before);
  }
}
