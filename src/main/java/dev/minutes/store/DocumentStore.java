package dev.minutes.store;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Durable storage of Automerge documents as one snapshot plus an append-only log of incremental
 * change chunks.
 *
 * <p>Every log entry gets an absolute sequence number (1, 2, 3, ...) that is never reused for the
 * life of the document, even after {@link #compact compaction} folds entries into the snapshot.
 * Nodes that share a store remember the last sequence number they merged and catch up with {@link
 * #readSince}.
 *
 * <p>Expected refusals fail the future with a {@link StoreException} carrying a {@link
 * StoreException.Reason}; a store that cannot be reached fails with {@link
 * StoreException.Reason#UNAVAILABLE}. Invalid arguments (a blank document id, an empty chunk) fail
 * with {@link IllegalArgumentException}.
 *
 * <p>Byte arrays handed to the store are not copied; callers must not modify them afterwards.
 */
public interface DocumentStore {

  /**
   * Stores a new document's first snapshot. Fails with {@code StoreException(DOCUMENT_EXISTS)} if
   * the id is taken.
   */
  Future<Void> create(String documentId, byte[] snapshot);

  Future<Boolean> exists(String documentId);

  /** Snapshot plus every log entry after it; empty when the document is unknown. */
  Future<Optional<StoredDocument>> load(String documentId);

  /** {@link #load}, failing with {@link StoreException.Reason#UNKNOWN_DOCUMENT} when absent. */
  default Future<StoredDocument> loadExisting(String documentId) {
    return load(documentId)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new StoreException(
                                    StoreException.Reason.UNKNOWN_DOCUMENT,
                                    "no document " + documentId))));
  }

  /**
   * Appends one chunk and returns its absolute sequence number. Fails with {@code
   * StoreException(WRITES_CLOSED)} when the document's writes are closed and {@code
   * StoreException(UNKNOWN_DOCUMENT)} if it does not exist. On success an {@link Announcement} is
   * published (see {@link ChangeFeed}).
   *
   * <p>When the connection to the store breaks after the chunk was sent, the outcome is unknown and
   * a retry may store the chunk twice. That is harmless for Automerge: applying a change it already
   * has is a no-op.
   */
  Future<Long> append(String documentId, byte[] changes);

  /** Like {@link #append} but ignores the write gate, for the server's own closing change. */
  Future<Long> appendSystem(String documentId, byte[] changes);

  /**
   * Everything after {@code afterSeq}. If compaction already folded some of those entries into the
   * snapshot, the slice includes the snapshot and all entries after it. If {@code afterSeq} is at
   * or beyond the last sequence number the slice is empty; its {@code lastSeq} tells the caller
   * where the log really ends. Fails with {@code StoreException(UNKNOWN_DOCUMENT)} if the document
   * does not exist.
   */
  Future<LogSlice> readSince(String documentId, long afterSeq);

  /**
   * Atomically replaces the snapshot by one that covers every entry up to and including {@code
   * upToSeq} and drops those entries, keeping entries appended meanwhile. No-op if an equal or
   * newer compaction already happened. Fails with {@link IllegalArgumentException} if {@code
   * upToSeq} lies beyond the last appended entry.
   */
  Future<Void> compact(String documentId, byte[] snapshot, long upToSeq);

  /**
   * Number of log entries not yet folded into the snapshot (to decide when to compact); 0 for
   * unknown documents.
   */
  Future<Long> pendingLogEntries(String documentId);

  /**
   * Atomically closes the write gate and drops the digest: true for the single caller that closed
   * it, false if it was already closed. While it is closed no digest is kept.
   */
  Future<Boolean> closeWrites(String documentId);

  Future<Boolean> writesClosed(String documentId);

  /**
   * Keeps a digest beside the document (what its readers need of it, made by a session that holds
   * every stored entry up to {@code seq} and nothing else), unless one made at a later entry is
   * kept already or writes are closed. True when kept.
   */
  Future<Boolean> saveDigest(String documentId, long seq, byte[] digest);

  /**
   * The digest kept last, if any, and whether nothing was appended since it was made. Fails like
   * {@link #load} when the store is away.
   */
  Future<Optional<KeptDigest>> keptDigest(String documentId);

  /**
   * The digest, if nothing was appended since it was made; empty otherwise (then only the document
   * itself tells). Fails like {@link #load} when the store is away.
   */
  default Future<Optional<byte[]>> freshDigest(String documentId) {
    return keptDigest(documentId)
        .map(kept -> kept.filter(KeptDigest::fresh).map(KeptDigest::bytes));
  }

  /** A digest as kept: made at entry {@code seq}; {@code fresh} while the log still ends there. */
  record KeptDigest(byte[] bytes, long seq, boolean fresh) {}

  /**
   * Deletes everything of the document (used by tests and cleanup). Deleting an unknown document
   * succeeds.
   */
  Future<Void> delete(String documentId);
}
