package dev.minutes.meeting;

import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.publish.Publication;
import dev.minutes.publish.Publisher;
import dev.minutes.render.FrontMatter;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.PublicationNames;
import dev.minutes.sync.DocumentSession;
import dev.minutes.sync.SessionRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a meeting exactly once, however many requests, nodes and crashes take part.
 *
 * <p>Three steps, each safe to repeat:
 *
 * <ol>
 *   <li><b>freeze</b>: close the document's write gate (from then on no client change is stored),
 *       then take the stored document's heads as the frozen heads, make the closing change on top
 *       of them and record heads, time, closer and the change's bytes in the meeting record. Only
 *       the first attempt's record is kept; every attempt continues with the recorded values, so a
 *       retry after a crash freezes at the same heads and never makes a second closing change.
 *   <li><b>mark</b>: append the recorded closing change to the log unless the document has it, so
 *       every client sees {@code status: "closed"} and {@code closed}.
 *   <li><b>finish</b>: render the minutes from the document at the frozen heads, enqueue the
 *       publish jobs, then mark the meeting closed and keep the final text (two scripts: a rerun
 *       after a crash between them enqueues the same job ids, which the outbox knows).
 * </ol>
 *
 * A lease lets one runner work at a time; the others wait for the result, and take over once the
 * lease expires (its holder crashed) or is released (its holder failed).
 */
final class MeetingCloser {
  private static final Logger log = LoggerFactory.getLogger(MeetingCloser.class);
  static final Duration LEASE = Duration.ofSeconds(30);
  private static final long POLL_MS = 100;

  /**
   * How long a waiter waits for another runner before answering 503; longer than a lease, so it can
   * take over.
   */
  private static final Duration WAIT = LEASE.plusSeconds(15);

  /** How long a close waits for the publish folder's listing (a hung network mount). */
  private static final Duration FILES_HELD_TIMEOUT = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final MeetingRecords records;
  private final DocumentStore store;
  private final SessionRegistry sessions;
  private final MeetingDocument documents;
  private final Publisher publisher;
  private final PublicationNames names;
  private final Clock clock;
  private final AutomergeWork work;
  private final String runnerId = UUID.randomUUID().toString();

  MeetingCloser(
      Vertx vertx,
      MeetingRecords records,
      DocumentStore store,
      SessionRegistry sessions,
      MeetingDocument documents,
      Publisher publisher,
      PublicationNames names,
      Clock clock,
      AutomergeWork work) {
    this.vertx = vertx;
    this.records = records;
    this.store = store;
    this.sessions = sessions;
    this.documents = documents;
    this.publisher = publisher;
    this.names = names;
    this.clock = clock;
    this.work = work;
  }

  /**
   * Closes the meeting of {@code record} (the caller checked the chair token) or returns the
   * earlier result.
   */
  Future<JsonObject> close(String meetingId, Map<String, String> record, String by) {
    if ("closed".equals(record.get("status"))) {
      return Future.succeededFuture(result(record));
    }
    Instant deadline = Instant.now(clock).plus(WAIT);
    return records
        .acquireCloseLease(meetingId, runnerId, LEASE)
        .compose(
            leased ->
                leased
                    ? runHoldingLease(meetingId, record, by)
                    : awaitClosed(meetingId, by, deadline));
  }

  /**
   * Finishes a close that was asked for and left half-done (its node stopped, or its steps failed
   * and nobody asked again): every frozen meeting refuses edits until it is closed, and its pages
   * wait for the final minutes. True when this call finished one; false when there was nothing to
   * do or another runner holds the lease (it finishes the close, or its lease expires and the next
   * call does).
   */
  Future<Boolean> finishUnfinished(String meetingId) {
    return records
        .get(meetingId)
        .compose(
            found -> {
              if (found.isEmpty() || "closed".equals(found.get().get("status"))) {
                return records.closeFinished(meetingId).map(false);
              }
              Map<String, String> record = found.get();
              return records
                  .acquireCloseLease(meetingId, runnerId, LEASE)
                  .compose(
                      leased -> {
                        if (!leased) {
                          return Future.succeededFuture(false);
                        }
                        log.warn(
                            "meeting {}: a close was left unfinished (its node stopped or failed);"
                                + " finishing it",
                            meetingId);
                        return runHoldingLease(meetingId, record, record.getOrDefault("chair", ""))
                            .map(true);
                      });
            });
  }

  /** The meetings whose close was asked for and has not finished, as noted in Redis. */
  Future<Set<String>> unfinished() {
    return records.unfinishedCloseIds();
  }

  private Future<JsonObject> runHoldingLease(
      String meetingId, Map<String, String> record, String by) {
    String documentId = record.get("documentId");
    return freeze(meetingId, documentId, by)
        .compose(frozen -> mark(documentId, frozen))
        .compose(frozen -> finish(meetingId, documentId, fallbackDate(record), frozen))
        .compose(
            result ->
                records
                    .closeFinished(meetingId)
                    .onFailure(
                        e ->
                            log.warn(
                                "meeting {}: closed, but cannot note it finished ({}); the next"
                                    + " look for unfinished closes does",
                                meetingId,
                                e.getMessage()))
                    .otherwiseEmpty()
                    .map(result))
        .onFailure(
            failure ->
                records
                    .releaseCloseLease(meetingId, runnerId)
                    .onFailure(
                        e ->
                            log.warn(
                                "meeting {}: cannot release the close lease ({}); it expires by itself",
                                meetingId,
                                e.getMessage())));
  }

  private Future<JsonObject> awaitClosed(String meetingId, String by, Instant deadline) {
    return vertx
        .timer(POLL_MS)
        .compose(t -> records.get(meetingId))
        .compose(
            found -> {
              Map<String, String> record = found.orElseThrow();
              if ("closed".equals(record.get("status"))) {
                return Future.succeededFuture(result(record));
              }
              return records
                  .acquireCloseLease(meetingId, runnerId, LEASE)
                  .compose(
                      leased -> {
                        if (leased) {
                          log.warn(
                              "meeting {}: the previous close did not finish; taking it over",
                              meetingId);
                          return runHoldingLease(meetingId, record, by);
                        }
                        if (Instant.now(clock).isAfter(deadline)) {
                          return Future.failedFuture(
                              new MeetingException(
                                  Kind.UNAVAILABLE,
                                  "close_in_progress",
                                  "another close of this meeting is still running; retry"));
                        }
                        return awaitClosed(meetingId, by, deadline);
                      });
            });
  }

  // ---- the steps (package-private so that tests can stop between them, as a crash would) ----

  /** Step 1: the frozen state, made now or recorded by an earlier attempt. */
  Future<Frozen> freeze(String meetingId, String documentId, String by) {
    // Noted before the write gate closes: a node that stops after that leaves a meeting nobody
    // can edit, which another node must then close (finishUnfinished).
    return records
        .closeAsked(meetingId)
        .compose(v -> store.closeWrites(documentId))
        .onSuccess(
            first ->
                Optional.ofNullable(sessions.loaded(documentId))
                    .ifPresent(DocumentSession::markClosed))
        .compose(first -> records.get(meetingId))
        .compose(
            found -> {
              Optional<Frozen> recorded = found.flatMap(Frozen::of);
              if (recorded.isPresent()) {
                return Future.succeededFuture(recorded.get());
              }
              String at = Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString();
              return store
                  .loadExisting(documentId)
                  .recover(MeetingException::fromStoreFailure)
                  .compose(
                      stored ->
                          work.run(
                              () ->
                                  documents.closingChange(
                                      stored.snapshot(), stored.changes(), at, by)))
                  .map(
                      change ->
                          new Frozen(change.frozenHeads(), at, by, change.bytes(), change.head()))
                  .compose(frozen -> records.beginClose(meetingId, frozen.fields()))
                  .compose(stored -> records.get(meetingId))
                  .map(
                      after ->
                          after
                              .flatMap(Frozen::of)
                              .orElseThrow(
                                  () ->
                                      new IllegalStateException(
                                          "meeting "
                                              + meetingId
                                              + " has no frozen state after freezing")));
            });
  }

  /**
   * Step 2: the recorded closing change is in the document (appended now unless it already was).
   */
  Future<Frozen> mark(String documentId, Frozen frozen) {
    return store
        .loadExisting(documentId)
        .recover(MeetingException::fromStoreFailure)
        .compose(stored -> work.run(() -> documents.heads(stored.snapshot(), stored.changes())))
        .compose(
            heads ->
                heads.contains(frozen.closingHead())
                    ? Future.succeededFuture()
                    : store.appendSystem(documentId, frozen.change()).mapEmpty())
        .map(frozen);
  }

  /**
   * Step 3: the final minutes from the frozen heads, under the name decided for this meeting;
   * closed, kept and queued for publishing at once, as the next revision.
   */
  Future<JsonObject> finish(
      String meetingId, String documentId, String fallbackDate, Frozen frozen) {
    return records
        .get(meetingId)
        .compose(
            found -> {
              Map<String, String> record = found.orElseThrow();
              if ("closed".equals(record.get("status"))) {
                return Future.succeededFuture(result(record));
              }
              return store
                  .loadExisting(documentId)
                  .recover(MeetingException::fromStoreFailure)
                  .compose(
                      stored ->
                          work.run(
                              () ->
                                  documents.readAt(
                                      stored.snapshot(), stored.changes(), frozen.heads())))
                  .map(snapshot -> PublishableMinutes.render(meetingId, snapshot, fallbackDate))
                  .compose(rendered -> publishAs(meetingId, record, rendered, frozen));
            });
  }

  private Future<JsonObject> publishAs(
      String meetingId,
      Map<String, String> record,
      PublishableMinutes.Rendered rendered,
      Frozen frozen) {
    int revision = revisionOf(record) + 1;
    return name(meetingId, record, rendered.meta(), revision)
        .compose(
            published -> {
              PublishableMinutes.Rendered named = rendered.withPermalink(published.permalink());
              List<String> jobs =
                  publisher.jobsFor(
                      new Publication(
                          meetingId,
                          named.meta(),
                          named.markdown(),
                          frozen.at(),
                          revision,
                          published.fileName(),
                          earlierRevisions(record, revision)));
              return records
                  .finalizeClose(
                      meetingId, frozen.closed().encode(), named.markdown(), published, jobs)
                  .compose(first -> records.get(meetingId).map(after -> closedNow(first, after)));
            });
  }

  private JsonObject closedNow(boolean first, Optional<Map<String, String>> after) {
    Map<String, String> record = after.orElseThrow();
    if (first) {
      log.info(
          "meeting {} closed (revision {}, published as {})",
          record.get("id"),
          record.get("revision"),
          record.get("publishedName"));
    }
    return result(record);
  }

  /**
   * The name the minutes are published under. A correction keeps the name of the first publication;
   * a first publication takes {@code <updated>.md} and the permalink as they are unless another
   * meeting published under either or a publish target already holds such a file (written before
   * this Redis knew of it), then the first free {@code -2}, {@code -3}… (docs/contract.md §5),
   * reserved in Redis so that no other meeting can take it.
   */
  private Future<MeetingRecords.Published> name(
      String meetingId, Map<String, String> record, FrontMatter meta, int revision) {
    String kept = record.get("publishedName");
    if (kept != null) {
      return Future.succeededFuture(
          new MeetingRecords.Published(
              revision, kept, record.getOrDefault("publishedPermalink", meta.permalink())));
    }
    if (revision > 1) {
      // First published before names were reserved, when every meeting took <updated>.md: its
      // correction replaces that file (the folder target checks it holds an earlier revision).
      return Future.succeededFuture(
          new MeetingRecords.Published(revision, meta.updated() + ".md", meta.permalink()));
    }
    String permalink = meta.permalink().strip();
    return filesHeld(meetingId, meta.updated())
        .compose(held -> names.reserve(meetingId, meta.updated(), permalink, held))
        .map(
            n -> {
              String suffix = n == 1 ? "" : "-" + n;
              return new MeetingRecords.Published(
                  revision,
                  meta.updated() + suffix + ".md",
                  permalink.isEmpty() ? meta.permalink() : permalink + suffix);
            });
  }

  /**
   * The files a publish target already holds for {@code stem}; none when the folder cannot be read
   * in time. The close goes on then: should the name it takes be held after all, the folder target
   * refuses to replace the file, and the job is retried with that as its last error.
   */
  private Future<Set<String>> filesHeld(String meetingId, String stem) {
    return publisher
        .filesTaken(stem)
        .timeout(FILES_HELD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            failure -> {
              log.warn(
                  "meeting {}: cannot list the publish folder's files named {}; naming without"
                      + " them: {}",
                  meetingId,
                  stem,
                  String.valueOf(failure.getMessage()));
              return Future.succeededFuture(Set.of());
            });
  }

  /** The published text of every earlier revision, oldest first (kept by each reopen). */
  private static List<String> earlierRevisions(Map<String, String> record, int revision) {
    List<String> earlier = new ArrayList<>();
    for (int k = 1; k < revision; k++) {
      Optional.ofNullable(record.get("final:" + k)).ifPresent(earlier::add);
    }
    return earlier;
  }

  /**
   * How many times the meeting was closed: 0 before the first close (a meeting closed before
   * revisions were counted is revision 1).
   */
  static int revisionOf(Map<String, String> record) {
    String revision = record.get("revision");
    if (revision != null) {
      return Integer.parseInt(revision);
    }
    return "closed".equals(record.get("status")) ? 1 : 0;
  }

  // ---- helpers ----

  static JsonObject result(Map<String, String> record) {
    return new JsonObject()
        .put("status", "closed")
        .put("closed", Optional.ofNullable(record.get("closed")).map(JsonObject::new).orElse(null))
        .put("revision", revisionOf(record));
  }

  /** The meeting's creation date: what {@code updated} falls back to if collaborators broke it. */
  static String fallbackDate(Map<String, String> record) {
    String date = record.get("date");
    if (date != null) {
      return date;
    }
    return record.getOrDefault("createdAt", Instant.EPOCH.toString()).substring(0, 10);
  }

  /**
   * What a close froze, as kept in the meeting record: the frozen heads, when and by whom, and the
   * closing change (bytes and hash).
   */
  record Frozen(List<String> heads, String at, String by, byte[] change, String closingHead) {
    static final String HEADS = "frozenHeads";

    static Optional<Frozen> of(Map<String, String> record) {
      if (!record.containsKey(HEADS)) {
        return Optional.empty();
      }
      List<String> heads = new JsonArray(record.get(HEADS)).stream().map(String::valueOf).toList();
      return Optional.of(
          new Frozen(
              heads,
              record.get("closedAt"),
              record.get("closedBy"),
              Base64.getDecoder().decode(record.get("closingChange")),
              record.get("closingHead")));
    }

    Map<String, String> fields() {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put(HEADS, new JsonArray(heads).encode());
      fields.put("closedAt", at);
      fields.put("closedBy", by);
      fields.put("closingChange", Base64.getEncoder().encodeToString(change));
      fields.put("closingHead", closingHead);
      return fields;
    }

    /** The {@code closed} map of docs/contract.md §1: {@code at}, {@code by}, {@code heads}. */
    JsonObject closed() {
      return new JsonObject().put("at", at).put("by", by).put("heads", new JsonArray(heads));
    }
  }
}
