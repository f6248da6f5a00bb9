package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.LogSlice;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import dev.minutes.support.Await;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.RedisInspector;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.SyncMessageInspector;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

/**
 * One {@link DocumentSession} on the real Redis store, with peers that are Automerge documents in
 * this JVM syncing through it (each answers every message it gets, as a client would).
 */
@DisplayName("A document session")
class DocumentSessionTest {
  private static final int FAILED_APPENDS = 3;
  private static final int POOL_THREADS = 2;

  /** A digest that is the body's text. */
  private static final DocumentDigest TEXT_DIGEST =
      document -> textOf(document).getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Vertx vertx;
  private RedisConnection redis;
  private FlakyStore store;
  private SessionPool pool;
  private AutomergeObjects natives;
  private SyncMetrics metrics;
  private final List<JavaPeer> peers = new ArrayList<>();

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    redis = RedisHarness.connect(vertx, RedisHarness.newPrefix()).await(30, SECONDS);
    store = new FlakyStore(new RedisDocumentStore(redis));
    pool = new SessionPool(POOL_THREADS);
    natives = new AutomergeObjects();
    metrics = SyncMetrics.noop();
  }

  @AfterEach
  void stop() throws TimeoutException {
    peers.forEach(JavaPeer::free);
    store.free();
    RedisHarness.cleanup(redis).await(30, SECONDS);
    redis.close().await(30, SECONDS);
    pool.close();
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "while Redis refuses an append it retries, and no peer sees heads with the change before it is stored")
  void acknowledgesOnlyStoredChanges() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader();
    String documentId = meeting.documentId();
    DocumentSession session = meeting.session();
    JavaPeer writer = meeting.writer();
    JavaPeer reader = meeting.reader();

    store.failNextAppends(FAILED_APPENDS);
    ChangeHash change = writer.edit(" world");
    await(Future.all(reader.textIs("Hello world"), writer.advertised(change)));

    assertThat(reader.advertisedBeforeStored())
        .as("heads with the change reached the reader before it was stored")
        .isFalse();
    assertThat(writer.advertisedBeforeStored())
        .as("the writer saw its change acknowledged before it was stored")
        .isFalse();
    assertThat(store.appendAttempts())
        .as("appends: failed ones retried, then one stored")
        .isEqualTo(FAILED_APPENDS + 1);
    assertThat(writer.refusals()).isEmpty();
    assertThat(reader.refusals()).isEmpty();
    StoredDocument stored = await(store.load(documentId)).orElseThrow();
    Document reloaded = Document.load(stored.snapshot());
    stored.changes().forEach(reloaded::applyEncodedChanges);
    assertThat(textOf(reloaded)).isEqualTo("Hello world");
    reloaded.free();

    await(session.shutdown());
    assertThat(natives.live()).isZero();
  }

  @Test
  @DisplayName(
      "a read asked for while a change waits for the store sees the document only once the change is stored")
  void readsOnlyWhatIsStored() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader();
    DocumentSession session = meeting.session();

    store.failNextAppends(FAILED_APPENDS);
    ChangeHash change = meeting.writer().edit(" world");
    // Queued on the session's context right behind the change: the cycle applying it has started,
    // unless one was still running from the joins (the read then goes between the two cycles).
    Future<String> read =
        session.read(
            document ->
                (store.holds(change.getBytes()) ? "stored: " : "unstored: ") + textOf(document));

    assertThat(await(read))
        .as("never the document with a change the store does not hold")
        .isIn("stored: Hello world", "unstored: Hello");
    await(meeting.writer().advertised(change));
    assertThat(store.appendAttempts()).isEqualTo(FAILED_APPENDS + 1);
    await(session.shutdown());
    assertThat(natives.live()).isZero();
  }

  @Test
  @DisplayName(
      "while the session loads, a peer that holds nothing is sent the stored document; what it types is acknowledged once loaded and stored")
  void answersFromStoredBytesWhileLoading() throws Exception {
    String documentId = DocumentIds.newId();
    byte[] initial = initialDocument();
    await(store.create(documentId, initial));
    await(store.append(documentId, changeByAnotherAuthor(initial, " there")));
    CountDownLatch loadMayStart = blockPool();
    DocumentSession session = load(documentId);
    JavaPeer joiner = peer("joiner", session);
    ChangeHash typed;
    Future<String> read;
    try {
      await(session.attach(joiner, true));
      await(joiner.startSync());
      await(joiner.textIs("Hello there"));
      assertThat(natives.liveDocuments())
          .as("the session's document, not loaded yet while the pool is held")
          .isZero();
      assertThat(metrics.storedDocumentAnswers()).isEqualTo(1);

      typed = joiner.edit("!");
      read = session.read(DocumentSessionTest::textOf);
    } finally {
      loadMayStart.countDown();
    }
    await(joiner.advertised(typed));
    assertThat(joiner.advertisedBeforeStored())
        .as("the joiner saw its change acknowledged before it was stored")
        .isFalse();
    assertThat(metrics.fastPathMessages())
        .as("told the heads the loaded document has, the joiner was on the fast path at once")
        .isPositive();
    assertThat(await(read))
        .as("a read asked for while loading, before the typed change was stored")
        .isEqualTo("Hello there");
    assertThat(joiner.refusals()).isEmpty();

    joinsAndReads(session, "Hello there!");
    await(session.shutdown());
    assertThat(natives.live()).isZero();
  }

  @Test
  @DisplayName(
      "a peer told heads that the loaded document does not have (a stored change waits for its dependency) still syncs")
  void storedHeadsThatAreWrongOnlyCostAResync() throws Exception {
    String documentId = DocumentIds.newId();
    byte[] initial = initialDocument();
    await(store.create(documentId, initial));
    Document author = Document.load(initial);
    try {
      typeAtEnd(author, "a"); // never stored
      ChangeHash[] before = author.getHeads();
      typeAtEnd(author, "b");
      await(store.append(documentId, author.encodeChangesSince(before)));
    } finally {
      author.free();
    }
    CountDownLatch loadMayStart = blockPool();
    DocumentSession session = load(documentId);
    JavaPeer joiner = peer("joiner", session);
    try {
      await(session.attach(joiner, true));
      await(joiner.startSync());
      await(joiner.textIs("Hello")); // the stored "b" waits for "a" there too
    } finally {
      loadMayStart.countDown();
    }

    // (The joiner was told the stored "b" is a head, which the store holds but cannot apply: the
    // store's mirror, and so advertisedBeforeStored, cannot tell the two apart.)
    ChangeHash typed = joiner.edit("!");
    await(joiner.advertised(typed));
    assertThat(store.holds(typed.getBytes())).as("the typed change, once acknowledged").isTrue();
    joinsAndReads(session, "Hello!");
    assertThat(joiner.refusals()).isEmpty();
    await(session.shutdown());
    assertThat(natives.live()).isZero();
  }

  @Test
  @DisplayName(
      "a session shut down while it loads fails the reads that waited for the load and frees everything")
  void shutdownWhileLoading() throws Exception {
    String documentId = DocumentIds.newId();
    await(store.create(documentId, initialDocument()));
    CountDownLatch loadMayStart = blockPool();
    DocumentSession session = load(documentId);
    JavaPeer joiner = peer("joiner", session);
    Future<String> read;
    Future<Void> shutdown;
    try {
      await(session.attach(joiner, true));
      read = session.read(DocumentSessionTest::textOf);
      shutdown = session.shutdown(); // its lane work waits behind the load
    } finally {
      loadMayStart.countDown();
    }
    await(shutdown);

    Throwable failure = await(read.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failure).isInstanceOf(DocumentSession.SessionUnloaded.class);
    Await.until("the loaded document freed", () -> natives.live() == 0);
    assertThat(await(store.freshDigest(documentId)))
        .as("no digest of a document never loaded")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "stored bytes that cannot be loaded: the peer is told to try again, reads fail, nothing is left behind")
  void storedBytesThatCannotBeLoaded() throws Exception {
    String documentId = DocumentIds.newId();
    await(store.create(documentId, "not an Automerge document".getBytes(StandardCharsets.UTF_8)));
    CountDownLatch loadMayStart = blockPool();
    DocumentSession session = load(documentId);
    JavaPeer joiner = peer("joiner", session);
    Future<String> read;
    try {
      await(session.attach(joiner, true));
      read = session.read(DocumentSessionTest::textOf);
    } finally {
      loadMayStart.countDown();
    }

    Throwable failure = await(read.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(failure).isInstanceOf(DocumentSession.SessionUnloaded.class);
    Await.until("the joiner was refused", () -> !joiner.refusals().isEmpty());
    assertThat(joiner.refusals())
        .containsExactly("overloaded: document " + documentId + " cannot be opened now, try again");
    assertThat(metrics.refusals(Refusal.Reason.OVERLOADED)).isEqualTo(1);
    // The refusal goes out before the lane frees the joiner's sync state.
    Await.until("the joiner's sync state freed", () -> natives.live() == 0);
  }

  @Test
  @DisplayName(
      "a session whose peers left folds its log into the snapshot, keeps a digest, then unloads")
  void foldsItsLogWhenIdle() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader(new SessionSettings(Duration.ofMillis(200), 500));
    String documentId = meeting.documentId();
    await(meeting.writer().advertised(meeting.writer().edit(" world")));
    assertThat(await(store.load(documentId)).orElseThrow().changes()).isNotEmpty();

    meeting.session().detach(meeting.writer());
    meeting.session().detach(meeting.reader());
    Await.until("unloaded", () -> natives.live() == 0);

    StoredDocument stored = await(store.load(documentId)).orElseThrow();
    assertThat(stored.changes()).as("log entries left").isEmpty();
    Document reloaded = Document.load(stored.snapshot());
    try {
      assertThat(textOf(reloaded)).isEqualTo("Hello world");
    } finally {
      reloaded.free();
    }
    assertThat(await(store.freshDigest(documentId))).isPresent();
  }

  @Test
  @DisplayName(
      "a session that unloads keeps a digest of the stored document, which the next append makes stale")
  void keepsADigestWhenUnloading() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader();
    String documentId = meeting.documentId();
    // The first cycle after loading keeps a digest; the last edit only the unload can.
    await(meeting.writer().advertised(meeting.writer().edit(" world")));
    await(meeting.writer().advertised(meeting.writer().edit(".")));

    await(meeting.session().shutdown());

    assertThat(await(store.freshDigest(documentId)))
        .hasValueSatisfying(
            digest ->
                assertThat(new String(digest, java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("Hello world."));
    await(store.compact(documentId, initialDocument(), 0)); // a no-op compaction keeps it
    await(store.append(documentId, changeByAnotherAuthor(initialDocument(), "!")));
    assertThat(await(store.freshDigest(documentId))).as("after an append").isEmpty();
  }

  @Test
  @DisplayName(
      "a session that missed the reopen notice refuses changes while the gate is closed and takes them once it is open")
  void missedReopenNotice() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader();
    String documentId = meeting.documentId();
    await(store.closeWrites(documentId));
    meeting.session().markClosed();

    ChangeHash refused = meeting.writer().edit(" closed");
    await(meeting.writer().refusedTimes(1));
    assertThat(meeting.writer().refusals()).singleElement().asString().startsWith("meeting-closed");
    assertThat(store.holds(refused.getBytes())).isFalse();
    // The gate was read for that one: the next change waits for the next reading, a second on.
    ChangeHash refusedToo = meeting.writer().edit(" still");
    await(meeting.writer().refusedTimes(2));
    assertThat(store.holds(refusedToo.getBytes())).isFalse();

    // Reopened elsewhere: the gate is gone, and the notice never reaches this session. (The
    // writer's refused edits stay in its copy, and its later ones build on them: a page offers to
    // drop them. Another attendee's edit shows the session's side.)
    try (RedisInspector inspector = RedisInspector.open(redis.keys().prefix())) {
      assertThat(inspector.delete(redis.keys().gate(documentId))).isTrue();
    }
    JavaPeer attendee = peer("attendee", meeting.session());
    await(meeting.session().attach(attendee, true));
    await(attendee.startSync());
    await(attendee.textIs("Hello"));
    ChangeHash accepted = attendee.edit(" again");

    await(Future.all(attendee.advertised(accepted), meeting.reader().textIs("Hello again")));
    assertThat(store.holds(accepted.getBytes())).isTrue();
    assertThat(attendee.refusals()).isEmpty();
    assertThat(meeting.writer().refusals()).hasSize(2);
  }

  @Test
  @DisplayName("a session that unloaded refuses a read, so that its caller reads the store")
  void unloadedSessionRefusesReads() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader();
    await(meeting.session().shutdown());

    Throwable refused =
        await(
            meeting
                .session()
                .read(DocumentSessionTest::textOf)
                .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(refused).isInstanceOf(DocumentSession.SessionUnloaded.class);
  }

  @Test
  @DisplayName(
      "a burst of keystrokes reaches a steady peer in a few messages, each carrying several, and all of it arrives")
  void coalescesABurstForSteadyPeers() throws TimeoutException {
    // A batch window far longer than sending the burst takes, however slow the machine: the count
    // below depends on the window, not on timing.
    Meeting meeting =
        meetingWithWriterAndReader(
            new SessionSettings(
                Duration.ofMinutes(1),
                500,
                SessionSettings.DEFAULT_PRESENCE_PER_SECOND,
                Duration.ofMillis(500),
                SizeLimits.DEFAULT));
    DocumentSession session = meeting.session();
    JavaPeer writer = meeting.writer();
    JavaPeer reader = meeting.reader();
    int before = reader.syncMessages();

    StringBuilder typed = new StringBuilder("Hello");
    for (int i = 0; i < 50; i++) {
      char key = (char) ('a' + i % 26);
      typed.append(key);
      writer.edit(String.valueOf(key));
    }
    await(Future.all(reader.textIs(typed.toString()), writer.textIs(typed.toString())));

    assertThat(reader.syncMessages() - before)
        .as("messages to the reader for 50 keystrokes")
        .isLessThan(25);
    assertThat(reader.refusals()).isEmpty();
    await(session.shutdown());
    assertThat(natives.live()).isZero();
  }

  @Test
  @DisplayName(
      "presence from ever new sender sessions is remembered only up to a bound, and a recent replay is still dropped")
  void presenceMemoryIsBounded() throws TimeoutException {
    Meeting meeting =
        meetingWithWriterAndReader(
            new SessionSettings(
                Duration.ofMinutes(1),
                500,
                1_000_000,
                SessionSettings.DEFAULT_BATCH_WINDOW,
                SizeLimits.DEFAULT));
    DocumentSession session = meeting.session();
    byte[] data = {(byte) 0xa0};
    for (int i = 0; i < 3 * DocumentSession.PRESENCE_SENDERS_KEPT; i++) {
      session.ephemeral(
          new Ephemeral("writer", null, meeting.documentId(), 1, "page-load-" + i, data), false);
    }
    Ephemeral latest = new Ephemeral("writer", null, meeting.documentId(), 5, "latest", data);
    session.ephemeral(latest, false);
    session.ephemeral(latest, false);
    session.ephemeral(
        new Ephemeral("writer", null, meeting.documentId(), 4, "latest", data), false);

    assertThat(await(session.presenceSendersTracked()))
        .isEqualTo(DocumentSession.PRESENCE_SENDERS_KEPT);
    List<Ephemeral> received = meeting.reader().presence();
    assertThat(received).hasSize(3 * DocumentSession.PRESENCE_SENDERS_KEPT + 1);
    assertThat(received.stream().filter(m -> m.sessionId().equals("latest")).map(Ephemeral::count))
        .as("the replayed and the older message of a session heard a moment ago")
        .containsExactly(5L);
    assertThat(meeting.writer().presence()).as("nothing goes back to its sender").isEmpty();
    await(session.shutdown());
  }

  @Test
  @DisplayName(
      "a loaded session keeps a digest every compactAfter entries, of the text at that entry")
  void keepsDigestsWhileLoaded() throws TimeoutException {
    Meeting meeting = meetingWithWriterAndReader(new SessionSettings(Duration.ofMinutes(1), 3));
    for (String keystroke : List.of(" ", "w", "o", "r", "l", "d")) {
      await(meeting.writer().advertised(meeting.writer().edit(keystroke)));
    }
    await(meeting.reader().textIs("Hello world"));

    // One entry per keystroke, after the stored "Hello" (entry 0). (The first cycle after loading
    // keeps one too, at whatever entry it merged.)
    Await.until(
        "a digest kept while loaded, three entries or more after the first",
        () ->
            await(store.keptDigest(meeting.documentId()))
                .filter(kept -> kept.seq() >= 3)
                .isPresent());
    DocumentStore.KeptDigest kept = await(store.keptDigest(meeting.documentId())).orElseThrow();
    assertThat(new String(kept.bytes(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("Hello" + " world".substring(0, (int) kept.seq()));
    await(meeting.session().shutdown());
  }

  @Test
  @DisplayName("the lane's Automerge time is measured per cycle and per compaction")
  void measuresLaneWork() throws TimeoutException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    metrics = new SyncMetrics(registry);
    Meeting meeting = meetingWithWriterAndReader(new SessionSettings(Duration.ofMinutes(1), 3));
    Timer cycles = registry.get("minutes_lane_work").tag("work", "cycle").timer();
    Timer compactions = registry.get("minutes_lane_work").tag("work", "compaction").timer();
    long cyclesBefore = cycles.count();

    for (String keystroke : List.of(" ", "w", "o", "r", "l", "d")) {
      await(meeting.writer().advertised(meeting.writer().edit(keystroke)));
    }
    await(meeting.reader().textIs("Hello world"));
    Await.until("a compaction timed", () -> compactions.count() > 0);

    assertThat(cycles.count() - cyclesBefore)
        .as("cycles that applied the keystrokes")
        .isGreaterThanOrEqualTo(6);
    assertThat(compactions.count()).as("compactions after 3 entries").isPositive();
    await(meeting.session().shutdown());
  }

  // ---- helpers ----

  private record Meeting(
      String documentId, DocumentSession session, JavaPeer writer, JavaPeer reader) {}

  /**
   * A stored document reading "Hello", its session, and two synced peers: one that may write, one
   * that may not.
   */
  private Meeting meetingWithWriterAndReader() throws TimeoutException {
    return meetingWithWriterAndReader(new SessionSettings(Duration.ofMinutes(1), 500));
  }

  private Meeting meetingWithWriterAndReader(SessionSettings settings) throws TimeoutException {
    String documentId = DocumentIds.newId();
    await(store.create(documentId, initialDocument()));
    DocumentSession session =
        await(
            DocumentSession.load(
                documentId,
                vertx,
                store,
                pool,
                natives,
                settings,
                metrics,
                EphemeralRelay.NONE,
                TEXT_DIGEST,
                s -> {}));
    JavaPeer writer = peer("writer", session);
    JavaPeer reader = peer("reader", session);
    await(session.attach(writer, true));
    await(session.attach(reader, false));
    await(Future.all(writer.startSync(), reader.startSync()));
    await(Future.all(writer.textIs("Hello"), reader.textIs("Hello")));
    await(session.read(document -> "loaded")); // the peers may hold it before the session does
    return new Meeting(documentId, session, writer, reader);
  }

  private DocumentSession load(String documentId) throws TimeoutException {
    return await(
        DocumentSession.load(
            documentId,
            vertx,
            store,
            pool,
            natives,
            new SessionSettings(Duration.ofMinutes(1), 500),
            metrics,
            EphemeralRelay.NONE,
            TEXT_DIGEST,
            s -> {}));
  }

  /** A reader that joins the session now ends up with {@code expected}. */
  private void joinsAndReads(DocumentSession session, String expected) throws TimeoutException {
    JavaPeer later = peer("later", session);
    await(session.attach(later, false));
    await(later.startSync());
    await(later.textIs(expected));
  }

  /**
   * Holds every thread of the Automerge pool until the latch is counted down, so that a session
   * opened meanwhile is still loading.
   */
  private CountDownLatch blockPool() {
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < POOL_THREADS; i++) {
      pool.run(
          () -> {
            try {
              return release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });
    }
    return release;
  }

  /** A change appending {@code text} to the {@code saved} document, by an author of its own. */
  private static byte[] changeByAnotherAuthor(byte[] saved, String text) {
    Document author = Document.load(saved);
    try {
      ChangeHash[] before = author.getHeads();
      typeAtEnd(author, text);
      return author.encodeChangesSince(before);
    } finally {
      author.free();
    }
  }

  private static void typeAtEnd(Document document, String text) {
    ObjectId body = ((AmValue.Text) document.get(ObjectId.ROOT, "body").orElseThrow()).getId();
    String current = textOf(document);
    try (Transaction tx = document.startTransaction()) {
      tx.spliceText(body, current.codePointCount(0, current.length()), 0, text);
      tx.commit();
    }
  }

  private static byte[] initialDocument() {
    Document document = new Document();
    try (Transaction tx = document.startTransaction()) {
      ObjectId body = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
      tx.spliceText(body, 0, 0, "Hello");
      tx.commit();
    }
    byte[] saved = document.save();
    document.free();
    return saved;
  }

  private static String textOf(Document document) {
    Optional<AmValue> body = document.get(ObjectId.ROOT, "body");
    return body.map(value -> document.text(((AmValue.Text) value).getId()).orElse("")).orElse("");
  }

  private JavaPeer peer(String peerId, DocumentSession session) {
    JavaPeer peer = new JavaPeer(peerId, session, store);
    peers.add(peer);
    return peer;
  }

  /**
   * A client in this JVM: an Automerge document and its SyncState with the server. It answers every
   * server message at once, as automerge-repo does, and notes whether any message advertised heads
   * that the store did not hold yet. Its Automerge objects are touched only under its lock.
   */
  private static final class JavaPeer implements PeerSink {
    private final String peerId;
    private final DocumentSession session;
    private final FlakyStore store;
    private final Document document = new Document();
    private final SyncState state = new SyncState();
    private final List<Runnable> checks = new ArrayList<>();
    private final List<String> refusals = new ArrayList<>();
    private final List<Ephemeral> presence = new ArrayList<>();
    private boolean advertisedBeforeStored;
    private int syncMessages;

    /** The heads of the last server message: what the server says it has. */
    private List<byte[]> serverHeads = List.of();

    JavaPeer(String peerId, DocumentSession session, FlakyStore store) {
      this.peerId = peerId;
      this.session = session;
      this.store = store;
    }

    @Override
    public String peerId() {
      return peerId;
    }

    synchronized Future<Void> startSync() {
      send();
      return Future.succeededFuture();
    }

    /** Appends text to the body and offers the change to the server; returns the change's hash. */
    synchronized ChangeHash edit(String text) {
      ObjectId body = ((AmValue.Text) document.get(ObjectId.ROOT, "body").orElseThrow()).getId();
      String current = textOf(document);
      try (Transaction tx = document.startTransaction()) {
        tx.spliceText(body, current.codePointCount(0, current.length()), 0, text);
        tx.commit();
      }
      send();
      return document.getHeads()[0];
    }

    @Override
    public synchronized void sendSync(String documentId, byte[] data) {
      syncMessages++;
      serverHeads = SyncMessageInspector.inspect(data).heads();
      for (byte[] head : serverHeads) {
        advertisedBeforeStored |= !store.holds(head);
      }
      document.receiveSyncMessage(state, data);
      send();
      new ArrayList<>(checks).forEach(Runnable::run);
    }

    @Override
    public synchronized void sendEphemeral(Ephemeral message) {
      presence.add(message);
    }

    synchronized List<Ephemeral> presence() {
      return List.copyOf(presence);
    }

    @Override
    public synchronized void refuse(Refusal refusal) {
      refusals.add(refusal.clientMessage());
      new ArrayList<>(checks).forEach(Runnable::run);
    }

    @Override
    public synchronized void restartSync(String documentId) {
      refusals.add("restart " + documentId);
      new ArrayList<>(checks).forEach(Runnable::run);
    }

    /** Completes once the server has refused this many of its messages. */
    synchronized Future<Void> refusedTimes(int count) {
      return when(() -> refusals.size() >= count);
    }

    /** Completes once the body reads {@code expected}. */
    synchronized Future<Void> textIs(String expected) {
      return when(() -> textOf(document).equals(expected));
    }

    /**
     * Completes once this peer knows that the server holds {@code change}: the server's heads
     * include it.
     */
    synchronized Future<Void> advertised(ChangeHash change) {
      return when(
          () -> serverHeads.stream().anyMatch(head -> Arrays.equals(head, change.getBytes())));
    }

    synchronized int syncMessages() {
      return syncMessages;
    }

    synchronized boolean advertisedBeforeStored() {
      return advertisedBeforeStored;
    }

    synchronized List<String> refusals() {
      return List.copyOf(refusals);
    }

    private Future<Void> when(java.util.function.BooleanSupplier condition) {
      Promise<Void> done = Promise.promise();
      Runnable check =
          new Runnable() {
            @Override
            public void run() {
              if (condition.getAsBoolean()) {
                checks.remove(this);
                done.tryComplete();
              }
            }
          };
      checks.add(check);
      check.run();
      return done.future();
    }

    private void send() {
      document
          .generateSyncMessage(state)
          .ifPresent(
              message ->
                  session.receive(
                      peerId,
                      message,
                      SyncMessageInspector.changeChunks(message),
                      SyncMessageInspector.inspect(message)));
    }

    synchronized void free() {
      state.free();
      document.free();
    }
  }

  /**
   * The real store, except that appends can be made to fail as if Redis were away; it mirrors what
   * it stored in a document of its own, so peers can ask whether a head is stored already.
   */
  private static final class FlakyStore implements DocumentStore {
    private final DocumentStore delegate;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger appendAttempts = new AtomicInteger();
    private Document mirror;

    FlakyStore(DocumentStore delegate) {
      this.delegate = delegate;
    }

    void failNextAppends(int count) {
      appendAttempts.set(0);
      failuresLeft.set(count);
    }

    int appendAttempts() {
      return appendAttempts.get();
    }

    /**
     * Whether the change with this hash is stored (fork fails on a hash the mirror does not know).
     */
    synchronized boolean holds(byte[] head) {
      for (ChangeHash known : mirror.getHeads()) {
        if (Arrays.equals(known.getBytes(), head)) {
          return true;
        }
      }
      try {
        mirror.fork(new ChangeHash[] {org.automerge.ChangeHashes.of(head)}).free();
        return true;
      } catch (RuntimeException unknown) {
        return false;
      }
    }

    synchronized void free() {
      if (mirror != null) {
        mirror.free();
        mirror = null;
      }
    }

    @Override
    public Future<Void> create(String documentId, byte[] snapshot) {
      return delegate
          .create(documentId, snapshot)
          .onSuccess(
              v -> {
                synchronized (this) {
                  mirror = Document.load(snapshot);
                }
              });
    }

    @Override
    public Future<Long> append(String documentId, byte[] changes) {
      appendAttempts.incrementAndGet();
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        return Future.failedFuture(
            new StoreException(StoreException.Reason.UNAVAILABLE, "Redis is away (test)"));
      }
      // Registered before the caller's handlers, so the mirror is updated before the session goes
      // on.
      return delegate
          .append(documentId, changes)
          .onSuccess(
              seq -> {
                synchronized (this) {
                  mirror.applyEncodedChanges(changes);
                }
              });
    }

    @Override
    public Future<Boolean> exists(String documentId) {
      return delegate.exists(documentId);
    }

    @Override
    public Future<Boolean> saveDigest(String documentId, long seq, byte[] digest) {
      return delegate.saveDigest(documentId, seq, digest);
    }

    @Override
    public Future<Optional<KeptDigest>> keptDigest(String documentId) {
      return delegate.keptDigest(documentId);
    }

    @Override
    public Future<Optional<StoredDocument>> load(String documentId) {
      return delegate.load(documentId);
    }

    @Override
    public Future<Long> appendSystem(String documentId, byte[] changes) {
      return delegate.appendSystem(documentId, changes);
    }

    @Override
    public Future<LogSlice> readSince(String documentId, long afterSeq) {
      return delegate.readSince(documentId, afterSeq);
    }

    @Override
    public Future<Void> compact(String documentId, byte[] snapshot, long upToSeq) {
      return delegate.compact(documentId, snapshot, upToSeq);
    }

    @Override
    public Future<Long> pendingLogEntries(String documentId) {
      return delegate.pendingLogEntries(documentId);
    }

    @Override
    public Future<Boolean> closeWrites(String documentId) {
      return delegate.closeWrites(documentId);
    }

    @Override
    public Future<Boolean> writesClosed(String documentId) {
      return delegate.writesClosed(documentId);
    }

    @Override
    public Future<Void> delete(String documentId) {
      return delegate.delete(documentId);
    }
  }
}
