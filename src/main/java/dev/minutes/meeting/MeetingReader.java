package dev.minutes.meeting;

import dev.minutes.render.MinutesParser;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.store.DocumentStore;
import dev.minutes.sync.DocumentSession;
import dev.minutes.sync.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what a meeting says: its final minutes once closed; while open, its document, from wherever
 * that is quickest and still true for the reader (this node's session, the digest a session kept,
 * the stored bytes), and for a page that opens the meeting the session its socket will join. {@link
 * MeetingService} answers the API with it.
 */
final class MeetingReader {
  private static final Logger log = LoggerFactory.getLogger(MeetingReader.class);

  private final Vertx vertx;
  private final DocumentStore store;
  private final SessionRegistry sessions;
  private final MeetingDocument documents;
  private final AutomergeWork work;
  private final Duration earlierTextAfter;

  /**
   * {@code earlierTextAfter}: how long a page that takes earlier text waits for the load before it
   * is answered the last digest kept ({@code MINUTES_EARLIER_TEXT_AFTER_MS}).
   */
  MeetingReader(
      Vertx vertx,
      DocumentStore store,
      SessionRegistry sessions,
      MeetingDocument documents,
      AutomergeWork work,
      Duration earlierTextAfter) {
    this.vertx = vertx;
    this.store = store;
    this.sessions = sessions;
    this.documents = documents;
    this.work = work;
    this.earlierTextAfter = earlierTextAfter;
  }

  /**
   * What the meeting says: for a closed meeting its final minutes (kept at close, from the frozen
   * heads), otherwise the stored document now.
   */
  Future<MeetingDocument.Snapshot> said(Map<String, String> record, For reader) {
    String finalText = record.get("final");
    if (finalText != null) {
      PublishedMinutes published = MinutesParser.parse(finalText);
      return Future.succeededFuture(
          new MeetingDocument.Snapshot(
              published.frontMatter(), published.body(), "closed", List.of()));
    }
    return current(record, reader);
  }

  /** Who reads a meeting's text, which decides what they are answered while it loads. */
  enum For {
    /** A series' overview, a following call: the stored document, not kept loaded for them. */
    OTHERS,
    /** A page, whose socket joins right after: the session is opened for it. */
    PAGE,
    /** A page that takes the last digest kept, with its heads, rather than wait for the load. */
    PAGE_TAKING_EARLIER
  }

  /**
   * Read from the document's session when this node has it loaded; else from the digest its last
   * session kept, if nothing was stored since; else from the document itself. For a page (its
   * socket joins right after) the session is opened, so a long meeting's history is loaded once,
   * not once for the answer and again for the socket. A page that takes earlier text waits for that
   * load at most {@code MINUTES_EARLIER_TEXT_AFTER_MS}, then is answered the last digest kept even
   * if entries were stored since (a session keeps one every {@code compactAfter} entries: the text
   * of a moment ago, with the heads it was read at). Other callers (a series' overview, a following
   * call) read the stored document without keeping it loaded, unless a session is loading it
   * already (then they wait for that load rather than start another). A session that is reloading
   * or unloaded cannot answer; the stored document then does.
   */
  Future<MeetingDocument.Snapshot> current(Map<String, String> record, For reader) {
    String documentId = record.get("documentId");
    DocumentSession session = sessions.loaded(documentId);
    if (session != null && !session.loading()) {
      return readFrom(Future.succeededFuture(session), documentId);
    }
    boolean page = reader != For.OTHERS;
    return store
        .keptDigest(documentId)
        .compose(
            kept -> {
              // A stale digest is read only for a page that takes earlier text.
              Optional<DocumentStore.KeptDigest> usable =
                  kept.filter(k -> k.fresh() || reader == For.PAGE_TAKING_EARLIER);
              Optional<MeetingDocument.Snapshot> digest =
                  usable.flatMap(k -> MeetingDigest.read(k.bytes()));
              boolean fresh = usable.map(DocumentStore.KeptDigest::fresh).orElse(false);
              if (digest.isPresent() && fresh) {
                if (page && session == null) {
                  startLoading(documentId);
                }
                return Future.succeededFuture(digest.get());
              }
              if (page || session != null) {
                Future<MeetingDocument.Snapshot> now =
                    readFrom(
                        session != null
                            ? Future.succeededFuture(session)
                            : sessions.open(documentId),
                        documentId);
                // A short meeting loads within the wait: no older text to catch up from.
                return digest.isPresent()
                    ? Deadline.orElse(vertx, now, earlierTextAfter, digest.get())
                    : now;
              }
              return loadStored(documentId);
            })
        .recover(MeetingException::fromStoreFailure);
  }

  private Future<MeetingDocument.Snapshot> readFrom(
      Future<DocumentSession> session, String documentId) {
    return session
        .compose(s -> s.read(documents::current))
        .recover(
            failure ->
                failure instanceof DocumentSession.SessionUnloaded
                    ? storedSnapshot(documentId)
                    : Future.failedFuture(failure))
        .recover(MeetingException::fromStoreFailure);
  }

  /** The page's socket joins next: its session starts loading now, while the page starts. */
  private void startLoading(String documentId) {
    sessions
        .open(documentId)
        .onFailure(
            failure ->
                log.debug("document {} not loaded ahead of its page: {}", documentId, failure));
  }

  private Future<MeetingDocument.Snapshot> storedSnapshot(String documentId) {
    return digest(documentId)
        .compose(
            digest ->
                digest.isPresent() ? Future.succeededFuture(digest.get()) : loadStored(documentId));
  }

  /** What the fresh digest of the document says; empty when there is none or it is stale. */
  private Future<Optional<MeetingDocument.Snapshot>> digest(String documentId) {
    return store.freshDigest(documentId).map(found -> found.flatMap(MeetingDigest::read));
  }

  private Future<MeetingDocument.Snapshot> loadStored(String documentId) {
    return store
        .loadExisting(documentId)
        .compose(stored -> work.run(() -> documents.current(stored.snapshot(), stored.changes())));
  }
}
