package dev.minutes.sync;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.DocumentWatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open documents of this node: at most one {@link DocumentSession} per document. Concurrent
 * opens of one document share a single load. Sessions remove themselves when they unload.
 */
public final class SessionRegistry {
  private final Vertx vertx;
  private final DocumentStore store;
  private final SessionPool pool;
  private final AutomergeObjects natives;
  private final SessionSettings settings;
  private final SyncMetrics metrics;
  private final EphemeralRelay relay;
  private final DocumentWatch watch;
  private final DocumentDigest digest;
  private final Map<String, Future<DocumentSession>> sessions = new ConcurrentHashMap<>();

  public SessionRegistry(
      Vertx vertx,
      DocumentStore store,
      SessionPool pool,
      AutomergeObjects natives,
      SessionSettings settings,
      SyncMetrics metrics,
      EphemeralRelay relay,
      DocumentWatch watch,
      DocumentDigest digest) {
    this.relay = relay;
    this.digest = digest;
    this.watch = watch;
    this.vertx = vertx;
    this.store = store;
    this.pool = pool;
    this.natives = natives;
    this.settings = settings;
    this.metrics = metrics;
  }

  /**
   * The session of a stored document, loading it once however many callers ask at the same time.
   */
  public Future<DocumentSession> open(String documentId) {
    Future<DocumentSession> session =
        sessions.computeIfAbsent(
            documentId,
            id ->
                // Watched before it is read: nothing announced after the read is missed.
                watch
                    .watch(id)
                    .compose(
                        v ->
                            DocumentSession.load(
                                id,
                                vertx,
                                store,
                                pool,
                                natives,
                                settings,
                                metrics,
                                relay,
                                digest,
                                this::forget))
                    .onFailure(failure -> watch.unwatch(id)));
    return session.recover(
        failure -> {
          sessions.remove(documentId, session);
          return Future.failedFuture(failure);
        });
  }

  /** Opens the session and attaches the peer, reopening once if the session unloaded in between. */
  public Future<DocumentSession> attach(String documentId, PeerSink peer, boolean mayWrite) {
    return open(documentId)
        .compose(s -> s.attach(peer, mayWrite))
        .recover(
            failure ->
                failure instanceof DocumentSession.SessionUnloaded
                    ? open(documentId).compose(s -> s.attach(peer, mayWrite))
                    : Future.failedFuture(failure));
  }

  /**
   * The session if this node has one for the document: loaded, or still loading it ({@link
   * DocumentSession#loading()}).
   */
  public DocumentSession loaded(String documentId) {
    Future<DocumentSession> session = sessions.get(documentId);
    return session != null && session.succeeded() ? session.result() : null;
  }

  /**
   * Tells every loaded session to catch up from the log (after a lost change-feed subscription).
   */
  public void catchUpAll() {
    for (Future<DocumentSession> session : sessions.values()) {
      session.onSuccess(s -> s.storedElsewhere(Long.MAX_VALUE));
    }
  }

  public int openDocuments() {
    return sessions.size();
  }

  private void forget(DocumentSession session) {
    boolean[] removed = {false};
    sessions.computeIfPresent(
        session.documentId(),
        (id, current) -> {
          removed[0] = current.succeeded() && current.result() == session;
          return removed[0] ? null : current;
        });
    if (removed[0]) {
      watch.unwatch(session.documentId());
    }
  }

  /** Unloads every session, freeing all native memory (shutdown). */
  public Future<Void> closeAll() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Future<DocumentSession> session : sessions.values()) {
      closing.add(session.compose(DocumentSession::shutdown, failure -> Future.succeededFuture()));
    }
    return Future.join(closing).mapEmpty();
  }
}
