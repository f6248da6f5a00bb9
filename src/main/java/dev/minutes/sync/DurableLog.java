package dev.minutes.sync;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.LogSlice;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document's change log in the store as its session sees it: appends that retry while Redis is
 * away, the sequence number merged so far, what other writers appended meanwhile, and compaction.
 * Confined to the session's context.
 *
 * <p>{@code mergedSeq} is the highest log sequence number such that every entry up to it is in the
 * session's document. The change feed announces this node's own appends too, often before Redis'
 * reply to the append: only once that reply is in can the log tell whether someone else wrote (else
 * every keystroke would cost a second cycle reading the log back).
 */
final class DurableLog {
  private static final Logger log = LoggerFactory.getLogger(DurableLog.class);

  /** Log bytes after which the log is folded into the snapshot whatever the entry count. */
  static final long COMPACT_AFTER_BYTES = 256 * 1024;

  private final String documentId;
  private final Vertx vertx;
  private final DocumentStore store;
  private final SyncMetrics metrics;
  private final int compactAfter;
  private long mergedSeq;
  private long compactedSeq;

  /** Bytes of entries after {@code compactedSeq}, as far as this node knows. */
  private long logBytes;

  private boolean appendInFlight;

  /** While an append is in flight: the highest sequence number announced meanwhile. */
  private long announcedDuringAppend;

  private boolean compacting;
  private boolean stopped;

  DurableLog(
      String documentId,
      Vertx vertx,
      DocumentStore store,
      SyncMetrics metrics,
      int compactAfter,
      StoredDocument loaded) {
    this.documentId = documentId;
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.compactAfter = compactAfter;
    this.mergedSeq = loaded.lastSeq();
    this.compactedSeq = loaded.lastSeq() - loaded.changes().size();
    this.logBytes = loaded.changes().stream().mapToLong(change -> change.length).sum();
  }

  long mergedSeq() {
    return mergedSeq;
  }

  /** What others appended after {@link #mergedSeq} (with the snapshot if compaction passed it). */
  Future<LogSlice> readSince() {
    return store.readSince(documentId, mergedSeq);
  }

  /** A slice read by {@link #readSince} is in the document now. */
  void merged(long lastSeq) {
    mergedSeq = Math.max(mergedSeq, lastSeq);
  }

  /** The document was reloaded from the store, which held entries up to {@code lastSeq}. */
  void reloaded(long lastSeq) {
    mergedSeq = lastSeq;
  }

  /**
   * Someone stored entries up to {@code seq}; true when the session should catch up now. While an
   * append is in flight the answer waits for its reply ({@link #append}).
   */
  boolean announced(long seq) {
    if (seq <= mergedSeq) {
      return false;
    }
    if (appendInFlight) {
      announcedDuringAppend = Math.max(announcedDuringAppend, seq);
      return false;
    }
    return true;
  }

  /**
   * Appends one cycle's change chunks, retrying while the store is unavailable; nothing may be
   * acknowledged before this succeeds. Succeeds with true when another writer appended in between,
   * so that the session must read the log to catch up (its own entry then re-applies as a no-op).
   */
  Future<Boolean> append(byte[] changes) {
    long started = System.nanoTime();
    appendInFlight = true;
    return appendWithRetry(changes, 0)
        .map(
            seq -> {
              logBytes += changes.length;
              metrics.storeLatency(System.nanoTime() - started);
              boolean othersWrote = seq != mergedSeq + 1;
              if (!othersWrote) {
                mergedSeq = seq;
              }
              return othersWrote || announcedDuringAppend > mergedSeq;
            })
        .andThen(
            done -> {
              appendInFlight = false;
              announcedDuringAppend = 0;
            });
  }

  /**
   * Appends, retrying while the store is unavailable. An outage is logged when it starts (a
   * warning) and when the append goes through again (with how long it took); the attempts in
   * between only at debug level: every open document retries, and a Redis away for a minute would
   * otherwise write a dozen warnings per document. {@code minutes_store_append_retries} counts
   * every attempt.
   */
  private Future<Long> appendWithRetry(byte[] changes, int attempt) {
    return store
        .append(documentId, changes)
        .andThen(
            done -> {
              if (done.succeeded() && attempt > 0) {
                log.info(
                    "document {}: stored again after {} attempts; the changes held meanwhile are"
                        + " acknowledged now",
                    documentId,
                    attempt + 1);
              }
            })
        .recover(
            failure -> {
              if (failure instanceof StoreException e
                  && e.reason() == StoreException.Reason.UNAVAILABLE
                  && !stopped) {
                Duration wait = Duration.ofMillis(Math.min(5_000, 50L << Math.min(attempt, 7)));
                if (attempt == 0) {
                  log.warn(
                      "document {}: store unavailable, holding its changes and retrying the append"
                          + " (every {} ms at first, then up to every 5 s): {}",
                      documentId,
                      wait.toMillis(),
                      e.getMessage());
                } else {
                  log.debug(
                      "document {}: store still unavailable, retrying append in {} ms (attempt"
                          + " {}): {}",
                      documentId,
                      wait.toMillis(),
                      attempt + 1,
                      e.getMessage());
                }
                metrics.storeRetry();
                return vertx
                    .timer(wait.toMillis())
                    .compose(t -> appendWithRetry(changes, attempt + 1));
              }
              return Future.failedFuture(failure);
            });
  }

  /**
   * Whether the log has grown enough to fold into a new snapshot: many entries, or a few large ones
   * (a paste, an import, an offline client's backlog), which are as slow to load change by change.
   */
  boolean compactionDue() {
    boolean manyEntries = mergedSeq - compactedSeq >= compactAfter;
    boolean manyBytes = logBytes >= COMPACT_AFTER_BYTES && mergedSeq > compactedSeq;
    return !compacting && (manyEntries || manyBytes);
  }

  boolean compacting() {
    return compacting;
  }

  /**
   * Folds every merged entry into the snapshot {@code save} produces (on the lane). Compaction only
   * drops entries the snapshot covers, so an entry appended meanwhile is kept.
   */
  Future<Void> compact(Supplier<Future<byte[]>> save) {
    compacting = true;
    long bytesFolded = logBytes;
    long upTo = mergedSeq;
    return save.get()
        .compose(snapshot -> store.compact(documentId, snapshot, upTo))
        .andThen(
            ar -> {
              compacting = false;
              if (ar.succeeded()) {
                compactedSeq = upTo;
                logBytes = Math.max(0, logBytes - bytesFolded);
                log.debug("document {}: compacted up to seq {}", documentId, upTo);
              } else {
                log.warn(
                    "document {}: compaction failed, will retry later: {}",
                    documentId,
                    ar.cause().getMessage());
              }
            });
  }

  /** Whether merged entries are still in the log, not yet in the snapshot. */
  boolean uncompacted() {
    return mergedSeq > compactedSeq;
  }

  /** The session unloaded: a failing append stops retrying. */
  void stop() {
    stopped = true;
  }
}
