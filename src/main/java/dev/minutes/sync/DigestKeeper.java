package dev.minutes.sync;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The digests a session keeps of its document ({@link DocumentDigest}): every {@code every} stored
 * entries while it is loaded, and as it unloads. A node without the session (another node, or this
 * one after a crash) then has the text of a moment ago, with the heads it was read at, to show a
 * page at once while it loads the history (MeetingReader), besides the fresh digest that spares
 * readers of an unloaded meeting the load. Failing to keep one is logged, never fatal.
 *
 * <p>Used on the session's context; digests are made on its lane, where the document lives.
 */
final class DigestKeeper {
  private static final Logger log = LoggerFactory.getLogger(DigestKeeper.class);

  private final String documentId;
  private final DocumentStore store;
  private final SerialLane lane;
  private final Synchronizer sync;
  private final DocumentDigest digest;
  private final Context context;
  private final int every;

  /**
   * The entry the last digest was made at (or tried: one that failed is not tried again before
   * another {@code every} entries; the unload keeps one anyway).
   */
  private long lastSeq;

  /** A digest is being made or stored: the next waits for it. */
  private boolean keeping;

  /** {@code loadedSeq}: the last entry the session loaded. */
  DigestKeeper(
      String documentId,
      DocumentStore store,
      SerialLane lane,
      Synchronizer sync,
      DocumentDigest digest,
      Context context,
      int every,
      long loadedSeq) {
    this.documentId = documentId;
    this.store = store;
    this.lane = lane;
    this.sync = sync;
    this.digest = digest;
    this.context = context;
    this.every = every;
    // As if the last digest were a whole interval ago: the first chance after loading keeps one
    // (the kept one may be far behind, e.g. after a crash).
    this.lastSeq = loadedSeq - every;
  }

  /**
   * Context, between cycles, when the document holds exactly the stored entries up to {@code seq}
   * and nothing else: keeps a digest if {@code every} entries passed since the last. The lane makes
   * it before the next cycle's work.
   */
  void entriesMerged(long seq) {
    if (keeping || seq - lastSeq < every) {
      return;
    }
    keeping = true;
    lastSeq = seq;
    lane.submit(this::make)
        .compose(made -> made == null ? Future.succeededFuture() : keep(seq, made))
        .onComplete(done -> context.runOnContext(v -> keeping = false));
  }

  /** Lane: the digest of the document now, or null when none can be made. */
  byte[] make() {
    return sync.digest(digest);
  }

  /** Stores a digest made at entry {@code seq}; failing to is logged, never fatal. */
  Future<Void> keep(long seq, byte[] made) {
    return store
        .saveDigest(documentId, seq, made)
        .onSuccess(
            kept ->
                log.debug(
                    "document {}: digest at seq {} {}",
                    documentId,
                    seq,
                    kept ? "kept" : "not kept (a later one is, or the meeting is closed)"))
        .<Void>mapEmpty()
        .recover(
            failure -> {
              if (failure instanceof StoreException e
                  && e.reason() == StoreException.Reason.UNKNOWN_DOCUMENT) {
                log.debug("document {}: deleted meanwhile, no digest kept", documentId);
              } else {
                log.warn("document {}: digest not kept: {}", documentId, failure.getMessage());
              }
              return Future.succeededFuture();
            });
  }
}
