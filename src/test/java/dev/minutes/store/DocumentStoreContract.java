package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.DocumentStore.KeptDigest;
import dev.minutes.store.StoreException.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Behaviour every {@link DocumentStore} must show, in the spirit of automerge-repo's storage
 * adapter suite. A concrete subclass provides an isolated store and change feed per test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
public abstract class DocumentStoreContract {

  /**
   * Opens a store that shares nothing with other tests. Called once per test, before {@link
   * #openChangeFeed}.
   */
  protected abstract Future<DocumentStore> openStore(Vertx vertx);

  /** A change feed announcing the appends of the store returned by {@link #openStore}. */
  protected abstract Future<ChangeFeed> openChangeFeed(Vertx vertx);

  /** Releases the store, any feeds, and removes the stored data. */
  protected abstract Future<Void> closeStore(Vertx vertx);

  protected DocumentStore store;

  @BeforeEach
  void openStoreUnderTest(Vertx vertx, VertxTestContext context) {
    openStore(vertx)
        .onComplete(
            context.succeeding(
                opened -> {
                  store = opened;
                  context.completeNow();
                }));
  }

  @AfterEach
  void closeStoreUnderTest(Vertx vertx, VertxTestContext context) {
    closeStore(vertx).onComplete(context.succeedingThenComplete());
  }

  @Test
  @DisplayName("A created document loads with the very same snapshot bytes and an empty log")
  void createThenLoad(VertxTestContext context) {
    String id = newId();
    byte[] snapshot = new byte[] {0, 1, 2, (byte) 0xff, (byte) 0x80, 10, 13, 0};
    store
        .create(id, snapshot)
        .compose(v -> Future.all(store.load(id), store.exists(id)))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          StoredDocument loaded =
                              results.<java.util.Optional<StoredDocument>>resultAt(0).orElseThrow();
                          assertThat(loaded.snapshot()).isEqualTo(snapshot);
                          assertThat(loaded.changes()).isEmpty();
                          assertThat(loaded.lastSeq()).isZero();
                          assertThat(results.<Boolean>resultAt(1)).isTrue();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("An unknown document loads as empty and does not exist")
  void unknownDocumentLoadsEmpty(VertxTestContext context) {
    String id = newId();
    Future.all(store.load(id), store.exists(id), store.pendingLogEntries(id))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          assertThat(results.<java.util.Optional<StoredDocument>>resultAt(0))
                              .isEmpty();
                          assertThat(results.<Boolean>resultAt(1)).isFalse();
                          assertThat(results.<Long>resultAt(2)).isZero();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "Creating a document whose id is taken fails with DOCUMENT_EXISTS and keeps the first snapshot")
  void createTwiceIsRefused(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("first"))
        .compose(v -> failureOf(store.create(id, bytes("second"))))
        .compose(
            failure -> {
              assertRefused(failure, Reason.DOCUMENT_EXISTS);
              return store.load(id);
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(loaded.orElseThrow().snapshot()).isEqualTo(bytes("first"));
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Appending to an unknown document fails with UNKNOWN_DOCUMENT and creates nothing")
  void appendToUnknownIsRefused(VertxTestContext context) {
    String id = newId();
    failureOf(store.append(id, bytes("change")))
        .compose(
            failure -> {
              assertRefused(failure, Reason.UNKNOWN_DOCUMENT);
              return failureOf(store.appendSystem(id, bytes("change")));
            })
        .compose(
            failure -> {
              assertRefused(failure, Reason.UNKNOWN_DOCUMENT);
              return Future.all(store.exists(id), store.pendingLogEntries(id));
            })
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          assertThat(results.<Boolean>resultAt(0)).isFalse();
                          assertThat(results.<Long>resultAt(1)).isZero();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Reading, compacting or closing an unknown document fails with UNKNOWN_DOCUMENT")
  void otherOperationsOnUnknownAreRefused(VertxTestContext context) {
    String id = newId();
    Future.all(
            failureOf(store.readSince(id, 0)),
            failureOf(store.compact(id, bytes("snapshot"), 1)),
            failureOf(store.closeWrites(id)),
            failureOf(store.writesClosed(id)))
        .onComplete(
            context.succeeding(
                failures ->
                    context.verify(
                        () -> {
                          for (int i = 0; i < failures.size(); i++) {
                            assertRefused(failures.resultAt(i), Reason.UNKNOWN_DOCUMENT);
                          }
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "Invalid arguments fail the future with IllegalArgumentException instead of throwing")
  void invalidArgumentsAreRefused(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("snapshot"))
        .compose(
            v ->
                Future.all(
                    failureOf(store.append(id, new byte[0])),
                    failureOf(store.append("bad{id}", bytes("change"))),
                    failureOf(store.load("")),
                    failureOf(store.readSince(id, -5))))
        .onComplete(
            context.succeeding(
                failures ->
                    context.verify(
                        () -> {
                          for (int i = 0; i < failures.size(); i++) {
                            assertThat(failures.<Throwable>resultAt(i))
                                .isInstanceOf(IllegalArgumentException.class);
                          }
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "Appends get the sequence numbers 1, 2, 3 in order and load returns snapshot plus entries in order")
  void appendsAreNumberedAndLoadedInOrder(VertxTestContext context) {
    String id = newId();
    List<Long> seqs = new ArrayList<>();
    store
        .create(id, bytes("snapshot"))
        .compose(v -> store.append(id, bytes("a")))
        .andThen(r -> seqs.add(r.result()))
        .compose(v -> store.append(id, bytes("b")))
        .andThen(r -> seqs.add(r.result()))
        .compose(v -> store.append(id, bytes("c")))
        .andThen(r -> seqs.add(r.result()))
        .compose(v -> Future.all(store.load(id), store.pendingLogEntries(id)))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          assertThat(seqs).containsExactly(1L, 2L, 3L);
                          StoredDocument loaded =
                              results.<java.util.Optional<StoredDocument>>resultAt(0).orElseThrow();
                          assertThat(loaded.snapshot()).isEqualTo(bytes("snapshot"));
                          assertThat(texts(loaded.changes())).containsExactly("a", "b", "c");
                          assertThat(loaded.lastSeq()).isEqualTo(3);
                          assertThat(results.<Long>resultAt(1)).isEqualTo(3);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "readSince returns only the entries after the given sequence number, without the snapshot")
  void readSinceReturnsLaterEntries(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("snapshot"))
        .compose(v -> appendAll(id, "a", "b", "c", "d"))
        .compose(
            v ->
                Future.all(
                    store.readSince(id, 0),
                    store.readSince(id, 2),
                    store.readSince(id, 4),
                    store.readSince(id, 9)))
        .onComplete(
            context.succeeding(
                slices ->
                    context.verify(
                        () -> {
                          LogSlice all = slices.resultAt(0);
                          assertThat(all.snapshot()).isEmpty();
                          assertThat(texts(all.changes())).containsExactly("a", "b", "c", "d");
                          LogSlice lastTwo = slices.resultAt(1);
                          assertThat(lastTwo.snapshot()).isEmpty();
                          assertThat(texts(lastTwo.changes())).containsExactly("c", "d");
                          assertThat(lastTwo.lastSeq()).isEqualTo(4);
                          LogSlice upToDate = slices.resultAt(2);
                          assertThat(upToDate.isEmpty()).isTrue();
                          assertThat(upToDate.lastSeq()).isEqualTo(4);
                          LogSlice ahead = slices.resultAt(3);
                          assertThat(ahead.isEmpty()).isTrue();
                          assertThat(ahead.lastSeq()).isEqualTo(4);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "Compaction keeps an entry appended between reading the log and writing the new snapshot")
  void compactionKeepsRacingAppend(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b"))
        // The compactor reads the document and builds a snapshot covering entries 1..2 ...
        .compose(v -> store.load(id))
        .compose(
            read -> {
              assertThat(read.orElseThrow().lastSeq()).isEqualTo(2);
              // ... while a client edit lands before the compactor writes.
              return store.append(id, bytes("c"));
            })
        .compose(
            seq -> {
              assertThat(seq).isEqualTo(3);
              return store.compact(id, bytes("s0+a+b"), 2);
            })
        .compose(v -> Future.all(store.load(id), store.pendingLogEntries(id)))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          StoredDocument loaded =
                              results.<java.util.Optional<StoredDocument>>resultAt(0).orElseThrow();
                          assertThat(loaded.snapshot()).isEqualTo(bytes("s0+a+b"));
                          assertThat(texts(loaded.changes())).containsExactly("c");
                          assertThat(loaded.lastSeq()).isEqualTo(3);
                          assertThat(results.<Long>resultAt(1)).isEqualTo(1);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "readSince from before the compaction point returns the snapshot and every entry after it")
  void readSinceBeforeCompactionIncludesSnapshot(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b", "c", "d"))
        .compose(v -> store.compact(id, bytes("s0+abc"), 3))
        .compose(
            v -> Future.all(store.readSince(id, 1), store.readSince(id, 0), store.readSince(id, 3)))
        .onComplete(
            context.succeeding(
                slices ->
                    context.verify(
                        () -> {
                          for (int i = 0; i < 2; i++) {
                            LogSlice behind = slices.resultAt(i);
                            assertThat(behind.snapshot()).contains(bytes("s0+abc"));
                            assertThat(texts(behind.changes())).containsExactly("d");
                            assertThat(behind.lastSeq()).isEqualTo(4);
                          }
                          LogSlice atCompactionPoint = slices.resultAt(2);
                          assertThat(atCompactionPoint.snapshot()).isEmpty();
                          assertThat(texts(atCompactionPoint.changes())).containsExactly("d");
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Sequence numbers continue after compaction and are never reused")
  void sequenceNumbersSurviveCompaction(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b"))
        .compose(v -> store.compact(id, bytes("s0+ab"), 2))
        .compose(v -> store.append(id, bytes("c")))
        .compose(
            seq -> {
              assertThat(seq).isEqualTo(3);
              return store.load(id);
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(texts(loaded.orElseThrow().changes())).containsExactly("c");
                          assertThat(loaded.orElseThrow().lastSeq()).isEqualTo(3);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "A digest is kept unless a later one is, fresh only while the log ends where it was made, through compaction")
  void digestFollowsTheLog(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b"))
        .compose(v -> store.saveDigest(id, 1, bytes("at 1")))
        .compose(
            kept -> {
              assertThat(kept).as("a digest made before the end is kept").isTrue();
              return Future.all(store.freshDigest(id), store.keptDigest(id));
            })
        .compose(
            results -> {
              assertThat(results.<Optional<byte[]>>resultAt(0)).as("not fresh").isEmpty();
              KeptDigest kept = results.<Optional<KeptDigest>>resultAt(1).orElseThrow();
              assertThat(text(kept.bytes())).isEqualTo("at 1");
              assertThat(kept.seq()).isEqualTo(1);
              assertThat(kept.fresh()).isFalse();
              return store.saveDigest(id, 2, bytes("at 2"));
            })
        .compose(
            kept -> {
              assertThat(kept).isTrue();
              return store.saveDigest(id, 1, bytes("older"));
            })
        .compose(
            kept -> {
              assertThat(kept).as("one older than the kept one").isFalse();
              return store.compact(id, bytes("s0+ab"), 2);
            })
        .compose(v -> store.freshDigest(id))
        .compose(
            afterCompaction -> {
              assertThat(afterCompaction.map(DocumentStoreContract::text)).hasValue("at 2");
              return store.append(id, bytes("c"));
            })
        .compose(seq -> Future.all(store.freshDigest(id), store.keptDigest(id)))
        .onComplete(
            context.succeeding(
                afterAppend ->
                    context.verify(
                        () -> {
                          assertThat(afterAppend.<Optional<byte[]>>resultAt(0))
                              .as("after an append")
                              .isEmpty();
                          KeptDigest kept =
                              afterAppend.<Optional<KeptDigest>>resultAt(1).orElseThrow();
                          assertThat(text(kept.bytes())).isEqualTo("at 2");
                          assertThat(kept.fresh()).isFalse();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Closing writes drops the digest, and none is kept while they are closed")
  void closingDropsTheDigest(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a"))
        .compose(v -> store.saveDigest(id, 1, bytes("before the close")))
        .compose(v -> store.closeWrites(id))
        .compose(v -> store.keptDigest(id))
        .compose(
            afterClose -> {
              assertThat(afterClose).as("dropped by the close").isEmpty();
              return store.saveDigest(id, 1, bytes("made before the close, saved after"));
            })
        .compose(kept -> Future.all(Future.succeededFuture(kept), store.keptDigest(id)))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          assertThat(results.<Boolean>resultAt(0)).isFalse();
                          assertThat(results.<Optional<KeptDigest>>resultAt(1)).isEmpty();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("A document created again after a delete has no digest of the old one")
  void digestGoesWithTheDocument(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> store.saveDigest(id, 0, bytes("old")))
        .compose(v -> store.delete(id))
        .compose(v -> store.create(id, bytes("again")))
        .compose(v -> store.freshDigest(id))
        .compose(
            fresh -> {
              assertThat(fresh).isEmpty();
              return failureOf(store.saveDigest(newId(), 0, bytes("nobody's")));
            })
        .onComplete(
            context.succeeding(
                failure ->
                    context.verify(
                        () -> {
                          assertRefused(failure, Reason.UNKNOWN_DOCUMENT);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("A compaction older than or equal to the last one is a no-op")
  void staleCompactionIsIgnored(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b", "c"))
        .compose(v -> store.compact(id, bytes("s0+ab"), 2))
        .compose(v -> store.compact(id, bytes("stale s0+a"), 1))
        .compose(v -> store.compact(id, bytes("duplicate s0+ab"), 2))
        .compose(v -> store.load(id))
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(loaded.orElseThrow().snapshot()).isEqualTo(bytes("s0+ab"));
                          assertThat(texts(loaded.orElseThrow().changes())).containsExactly("c");
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Compacting up to an entry that was never appended is refused and changes nothing")
  void compactionBeyondLogEndIsRefused(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a"))
        .compose(v -> failureOf(store.compact(id, bytes("future"), 2)))
        .compose(
            failure -> {
              assertThat(failure).isInstanceOf(IllegalArgumentException.class);
              return store.load(id);
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(loaded.orElseThrow().snapshot()).isEqualTo(bytes("s0"));
                          assertThat(texts(loaded.orElseThrow().changes())).containsExactly("a");
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Compacting the whole log leaves no pending entries")
  void fullCompactionEmptiesLog(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a", "b"))
        .compose(v -> store.compact(id, bytes("s0+ab"), 2))
        .compose(
            v -> Future.all(store.load(id), store.pendingLogEntries(id), store.readSince(id, 2)))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          StoredDocument loaded =
                              results.<java.util.Optional<StoredDocument>>resultAt(0).orElseThrow();
                          assertThat(loaded.snapshot()).isEqualTo(bytes("s0+ab"));
                          assertThat(loaded.changes()).isEmpty();
                          assertThat(loaded.lastSeq()).isEqualTo(2);
                          assertThat(results.<Long>resultAt(1)).isZero();
                          assertThat(results.<LogSlice>resultAt(2).isEmpty()).isTrue();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("closeWrites returns true for the first call and false afterwards")
  void closeWritesOnce(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> store.writesClosed(id))
        .compose(
            open -> {
              assertThat(open).isFalse();
              return store.closeWrites(id);
            })
        .compose(
            first -> {
              assertThat(first).isTrue();
              return store.closeWrites(id);
            })
        .compose(
            second -> {
              assertThat(second).isFalse();
              return store.writesClosed(id);
            })
        .onComplete(
            context.succeeding(
                closed ->
                    context.verify(
                        () -> {
                          assertThat(closed).isTrue();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Of 20 concurrent closeWrites calls exactly one gets true")
  void concurrentCloseHasOneWinner(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(
            v -> Future.all(IntStream.range(0, 20).mapToObj(i -> store.closeWrites(id)).toList()))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          List<Boolean> outcomes = results.list();
                          assertThat(outcomes).hasSize(20);
                          assertThat(outcomes.stream().filter(Boolean::booleanValue).count())
                              .isEqualTo(1);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("An append after closeWrites fails with WRITES_CLOSED and stores nothing")
  void appendAfterCloseIsRefused(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a"))
        .compose(v -> store.closeWrites(id))
        .compose(v -> failureOf(store.append(id, bytes("late edit"))))
        .compose(
            failure -> {
              assertRefused(failure, Reason.WRITES_CLOSED);
              return store.load(id);
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(texts(loaded.orElseThrow().changes())).containsExactly("a");
                          assertThat(loaded.orElseThrow().lastSeq()).isEqualTo(1);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("appendSystem still appends after closeWrites and continues the sequence")
  void systemAppendIgnoresGate(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a"))
        .compose(v -> store.closeWrites(id))
        .compose(v -> store.appendSystem(id, bytes("closing change")))
        .compose(
            seq -> {
              assertThat(seq).isEqualTo(2);
              return store.load(id);
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(texts(loaded.orElseThrow().changes()))
                              .containsExactly("a", "closing change");
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Every successful append is announced as '<id> <seq>' and a refused one is not")
  void appendsAreAnnounced(Vertx vertx, VertxTestContext context) {
    String id = newId();
    List<Announcement> received = new ArrayList<>();
    // Two announcements plus the end of the append chain.
    Checkpoint done = context.checkpoint(3);
    openChangeFeed(vertx)
        .compose(
            feed ->
                feed.start(
                    announcement -> {
                      if (!announcement.documentId().equals(id)) {
                        return;
                      }
                      received.add(announcement);
                      if (received.size() == 2) {
                        // Announcements arrive in publish order: had the refused append been
                        // announced, it would be second.
                        context.verify(
                            () ->
                                assertThat(received)
                                    .containsExactly(
                                        new Announcement(id, 1), new Announcement(id, 2)));
                      }
                      done.flag();
                    }))
        .compose(v -> store.create(id, bytes("s0")))
        .compose(v -> store.append(id, bytes("a")))
        .compose(v -> store.closeWrites(id))
        .compose(v -> failureOf(store.append(id, bytes("refused"))))
        .compose(v -> store.appendSystem(id, bytes("closing change")))
        .onComplete(
            context.succeeding(
                seq -> {
                  context.verify(() -> assertThat(seq).isEqualTo(2));
                  done.flag();
                }));
  }

  @Test
  @DisplayName(
      "200 concurrent appends get distinct contiguous sequence numbers and each lands at its own position")
  void concurrentAppendsGetContiguousSequenceNumbers(VertxTestContext context) {
    String id = newId();
    int count = 200;
    store
        .create(id, bytes("s0"))
        .compose(
            v ->
                Future.all(
                    IntStream.range(0, count)
                        .mapToObj(i -> store.append(id, bytes("change-" + i)))
                        .toList()))
        .compose(
            results ->
                store
                    .load(id)
                    .map(
                        loaded -> {
                          List<Long> seqs = results.list();
                          assertThat(seqs).doesNotHaveDuplicates();
                          assertThat(seqs.stream().sorted().toList())
                              .isEqualTo(LongStream.rangeClosed(1, count).boxed().toList());
                          List<String> stored = texts(loaded.orElseThrow().changes());
                          for (int i = 0; i < count; i++) {
                            assertThat(stored.get((int) (seqs.get(i) - 1)))
                                .isEqualTo("change-" + i);
                          }
                          assertThat(loaded.orElseThrow().lastSeq()).isEqualTo(count);
                          return null;
                        }))
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "Real Automerge chunks round-trip: snapshot plus appended changes rebuild the same text")
  void automergeRoundTrip(Vertx vertx, VertxTestContext context) {
    String id = newId();
    AutomergeHistory history = AutomergeHistory.write("Minutes", " of", " the", " meeting");
    store
        .create(id, history.snapshot())
        .compose(v -> appendInOrder(id, history.chunks()))
        .compose(v -> store.load(id))
        .compose(
            loaded ->
                vertx.executeBlocking(
                    () -> {
                      StoredDocument stored = loaded.orElseThrow();
                      assertThat(stored.changes()).hasSize(3);
                      return AutomergeHistory.rebuildText(stored.snapshot(), stored.changes());
                    }))
        .onComplete(
            context.succeeding(
                text ->
                    context.verify(
                        () -> {
                          assertThat(text)
                              .isEqualTo("Minutes of the meeting")
                              .isEqualTo(history.finalText());
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("A compacted Automerge snapshot plus later chunks rebuild the same text")
  void automergeCompaction(Vertx vertx, VertxTestContext context) {
    String id = newId();
    AutomergeHistory history = AutomergeHistory.write("Agenda", ": budget", ", hiring", ", AOB");
    List<byte[]> chunks = history.chunks();
    store
        .create(id, history.snapshot())
        .compose(v -> appendInOrder(id, chunks.subList(0, 2)))
        .compose(v -> store.load(id))
        // The compactor folds the first two chunks into a new snapshot, off the event loop.
        .compose(
            loaded ->
                vertx.executeBlocking(
                    () ->
                        AutomergeHistory.rebuildSnapshot(
                            loaded.orElseThrow().snapshot(), loaded.orElseThrow().changes())))
        .compose(
            compacted ->
                store.append(id, chunks.get(2)).compose(seq -> store.compact(id, compacted, 2)))
        .compose(v -> store.load(id))
        .compose(
            loaded ->
                vertx.executeBlocking(
                    () -> {
                      assertThat(loaded.orElseThrow().changes()).hasSize(1);
                      return AutomergeHistory.rebuildText(
                          loaded.orElseThrow().snapshot(), loaded.orElseThrow().changes());
                    }))
        .onComplete(
            context.succeeding(
                text ->
                    context.verify(
                        () -> {
                          assertThat(text).isEqualTo("Agenda: budget, hiring, AOB");
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("Deleting a document removes it completely and its id can be created again")
  void deleteRemovesEverything(VertxTestContext context) {
    String id = newId();
    store
        .create(id, bytes("s0"))
        .compose(v -> appendAll(id, "a"))
        .compose(v -> store.closeWrites(id))
        .compose(v -> store.delete(id))
        .compose(v -> Future.all(store.exists(id), store.load(id), store.pendingLogEntries(id)))
        .compose(
            results -> {
              assertThat(results.<Boolean>resultAt(0)).isFalse();
              assertThat(results.<java.util.Optional<StoredDocument>>resultAt(1)).isEmpty();
              assertThat(results.<Long>resultAt(2)).isZero();
              return store.create(id, bytes("again"));
            })
        .compose(v -> Future.all(store.writesClosed(id), store.append(id, bytes("fresh"))))
        .onComplete(
            context.succeeding(
                results ->
                    context.verify(
                        () -> {
                          assertThat(results.<Boolean>resultAt(0)).isFalse();
                          assertThat(results.<Long>resultAt(1)).isEqualTo(1);
                          context.completeNow();
                        })));
  }

  // --- helpers ---

  protected static String newId() {
    return "doc" + UUID.randomUUID().toString().replace("-", "");
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  protected static String text(byte[] chunk) {
    return new String(chunk, StandardCharsets.UTF_8);
  }

  protected static List<String> texts(List<byte[]> chunks) {
    return chunks.stream().map(chunk -> new String(chunk, StandardCharsets.UTF_8)).toList();
  }

  protected Future<Void> appendAll(String id, String... chunks) {
    return appendInOrder(
        id, java.util.Arrays.stream(chunks).map(DocumentStoreContract::bytes).toList());
  }

  protected Future<Void> appendInOrder(String id, List<byte[]> chunks) {
    Future<Void> chain = Future.succeededFuture();
    for (byte[] chunk : chunks) {
      chain = chain.compose(v -> store.append(id, chunk)).mapEmpty();
    }
    return chain;
  }

  /**
   * Succeeds with the failure of {@code future}; fails if {@code future} unexpectedly succeeded.
   */
  protected static Future<Throwable> failureOf(Future<?> future) {
    return future.transform(
        result ->
            result.succeeded()
                ? Future.failedFuture(
                    new AssertionError("expected a failure but got " + result.result()))
                : Future.succeededFuture(result.cause()));
  }

  protected static void assertRefused(Throwable failure, Reason reason) {
    assertThat(failure)
        .isInstanceOfSatisfying(
            StoreException.class, refusal -> assertThat(refusal.reason()).isEqualTo(reason));
  }

  /**
   * An Automerge text edited in steps: the first step is the snapshot, each later step one encoded
   * chunk.
   */
  record AutomergeHistory(byte[] snapshot, List<byte[]> chunks, String finalText) {

    static AutomergeHistory write(String first, String... appended) {
      Document document = new Document();
      try {
        ObjectId text;
        try (Transaction tx = document.startTransaction()) {
          text = tx.set(ObjectId.ROOT, "text", ObjectType.TEXT);
          tx.spliceText(text, 0, 0, first);
          tx.commit();
        }
        byte[] snapshot = document.save();
        ChangeHash[] heads = document.getHeads();
        List<byte[]> chunks = new ArrayList<>();
        for (String piece : appended) {
          try (Transaction tx = document.startTransaction()) {
            tx.spliceText(text, document.length(text), 0, piece);
            tx.commit();
          }
          chunks.add(document.encodeChangesSince(heads));
          heads = document.getHeads();
        }
        return new AutomergeHistory(snapshot, chunks, document.text(text).orElseThrow());
      } finally {
        document.free();
      }
    }

    static String rebuildText(byte[] snapshot, List<byte[]> chunks) {
      Document document = Document.load(snapshot);
      try {
        chunks.forEach(document::applyEncodedChanges);
        ObjectId text =
            ((org.automerge.AmValue.Text) document.get(ObjectId.ROOT, "text").orElseThrow())
                .getId();
        return document.text(text).orElseThrow();
      } finally {
        document.free();
      }
    }

    static byte[] rebuildSnapshot(byte[] snapshot, List<byte[]> chunks) {
      Document document = Document.load(snapshot);
      try {
        chunks.forEach(document::applyEncodedChanges);
        return document.save();
      } finally {
        document.free();
      }
    }
  }
}
