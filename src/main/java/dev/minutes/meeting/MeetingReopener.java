package dev.minutes.meeting;

import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.ReopenNotices;
import dev.minutes.sync.DocumentSession;
import dev.minutes.sync.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a closed meeting again for corrections (docs/contract.md §7). Every edit stays; the next
 * close freezes the new heads and publishes the next revision under the same name.
 *
 * <p>Two steps, in this order so that a crash between them is mended by repeating the request:
 *
 * <ol>
 *   <li>the change that writes {@code status: "open"} into the document (and drops {@code closed})
 *       is appended past the closed write gate, unless the document already says open;
 *   <li>one atomic step opens the meeting record and the write gate (the previous revision's final
 *       minutes stay readable), then every node's loaded session is told to accept changes again.
 * </ol>
 *
 * Until step 2 the meeting still counts as closed and every client change is refused, so the
 * reopening never lets through a change the gate refused.
 */
final class MeetingReopener {
  private static final Logger log = LoggerFactory.getLogger(MeetingReopener.class);

  private final MeetingRecords records;
  private final DocumentStore store;
  private final SessionRegistry sessions;
  private final ReopenNotices notices;
  private final MeetingDocument documents;
  private final Clock clock;
  private final AutomergeWork work;

  MeetingReopener(
      MeetingRecords records,
      DocumentStore store,
      SessionRegistry sessions,
      ReopenNotices notices,
      MeetingDocument documents,
      Clock clock,
      AutomergeWork work) {
    this.records = records;
    this.store = store;
    this.sessions = sessions;
    this.notices = notices;
    this.documents = documents;
    this.clock = clock;
    this.work = work;
  }

  /** Reopens the meeting of {@code record} (the caller checked the chair token). */
  Future<JsonObject> reopen(String meetingId, Map<String, String> record, String by) {
    if (!"closed".equals(record.get("status"))) {
      return Future.failedFuture(notClosed(meetingId));
    }
    String documentId = record.get("documentId");
    int revision = MeetingCloser.revisionOf(record);
    String at = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
    return store
        .loadExisting(documentId)
        .compose(
            stored ->
                work.run(() -> documents.reopeningChange(stored.snapshot(), stored.changes())))
        .compose(
            change ->
                change.isPresent()
                    ? store.appendSystem(documentId, change.get()).mapEmpty()
                    : Future.succeededFuture())
        .compose(v -> records.reopen(meetingId, at, by))
        .compose(
            reopened ->
                switch (reopened) {
                  case REOPENED -> {
                    Optional.ofNullable(sessions.loaded(documentId))
                        .ifPresent(DocumentSession::markReopened);
                    notices.publish(documentId);
                    log.info(
                        "meeting {} reopened for corrections by {} (revision {} stays published)",
                        meetingId,
                        by,
                        revision);
                    yield Future.succeededFuture(
                        new JsonObject().put("status", "open").put("revision", revision));
                  }
                  case NOT_CLOSED -> Future.failedFuture(notClosed(meetingId));
                  case UNKNOWN_MEETING ->
                      Future.failedFuture(
                          new MeetingException(
                              Kind.NOT_FOUND, "unknown_meeting", "no meeting '" + meetingId + "'"));
                });
  }

  private static MeetingException notClosed(String meetingId) {
    return new MeetingException(
        Kind.CONFLICT,
        "not_closed",
        "meeting " + meetingId + " is open: only a closed meeting can be reopened");
  }
}
