package dev.minutes.meeting;

import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.publish.Publisher;
import dev.minutes.render.ActionItem;
import dev.minutes.render.ActionItems;
import dev.minutes.render.Author;
import dev.minutes.render.BodyInput;
import dev.minutes.render.BodyTemplate;
import dev.minutes.render.FrontMatter;
import dev.minutes.render.MinutesFormatException;
import dev.minutes.render.MinutesParser;
import dev.minutes.render.MinutesRenderer;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.StoreException;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.AccessGrant;
import dev.minutes.sync.AccessPolicy;
import dev.minutes.sync.SessionPool;
import dev.minutes.sync.SessionRegistry;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A meeting's lifecycle (open → closing → closed) and who may do what with it. Implements the sync
 * endpoint's {@link AccessPolicy}: a token opens exactly its meeting's document, viewers read only.
 *
 * <p>Closing happens exactly once across nodes and crashes; see {@link MeetingCloser}. The final
 * minutes are rendered from the document at its frozen heads: everything stored when the write gate
 * closed, nothing after. Once closed, reads use the final minutes kept at close.
 */
public final class MeetingService implements AccessPolicy {
  private static final Logger log = LoggerFactory.getLogger(MeetingService.class);

  private final MeetingRecords records;
  private final DocumentStore store;
  private final MeetingDocument documents;
  private final Publisher publisher;
  private final Clock clock;
  private final AutomergeWork work;
  private final MeetingCloser closer;

  public MeetingService(
      Vertx vertx,
      MeetingRecords records,
      DocumentStore store,
      SessionRegistry sessions,
      SessionPool pool,
      MeetingDocument documents,
      Publisher publisher,
      Clock clock) {
    this.records = records;
    this.store = store;
    this.documents = documents;
    this.publisher = publisher;
    this.clock = clock;
    this.work = new AutomergeWork(vertx, pool);
    this.closer =
        new MeetingCloser(vertx, records, store, sessions, documents, publisher, clock, work);
  }

  /** The close machinery, for tests that stop a close between its steps as a crash would. */
  MeetingCloser closer() {
    return closer;
  }

  // ---- create and import ----

  public Future<CreatedMeeting> create(MeetingRequest request) {
    Future<Optional<Previous>> previous =
        request.previous().isPresent()
            ? previous(request.previous().get()).map(Optional::of)
            : Future.succeededFuture(Optional.empty());
    return previous.compose(
        prev -> {
          try {
            return createFrom(request, prev);
          } catch (IllegalArgumentException e) {
            // The template and the renderer name the offending value; the request checks should
            // have caught it.
            return Future.failedFuture(MeetingException.invalid("invalid_field", e.getMessage()));
          }
        });
  }

  private Future<CreatedMeeting> createFrom(MeetingRequest request, Optional<Previous> prev) {
    String chair =
        request.chair().or(() -> prev.flatMap(Previous::chair)).orElse(request.author().name());
    List<String> attendees =
        request.attendees().isEmpty() && prev.isPresent()
            ? prev.get().attendees()
            : request.attendees();
    Author author =
        request.author().name().isEmpty()
            ? new Author(chair, request.author().uri(), request.author().email())
            : request.author();
    FrontMatter meta =
        new FrontMatter(
            request.date(),
            author,
            request.subject().orElse("Weekly Meeting: " + request.date()),
            "weekly-" + request.date(),
            request.description());
    validate(meta);
    String body =
        BodyTemplate.initialBody(
            new BodyInput(
                chair,
                attendees,
                request.agenda(),
                prev.map(Previous::openItems).orElse(List.of()),
                prev.map(Previous::permalink).orElse(null)));
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("chair", chair);
    extra.put("attendees", new JsonArray(attendees).encode());
    prev.ifPresent(p -> extra.put("previous", p.id()));
    return store(meta, body, extra);
  }

  /** Creates a meeting holding exactly one published minutes file. */
  public Future<CreatedMeeting> importMinutes(String markdown) {
    PublishedMinutes parsed;
    try {
      parsed = MinutesParser.parse(markdown);
    } catch (MinutesFormatException e) {
      return Future.failedFuture(MeetingException.invalid("invalid_minutes", e.getMessage()));
    }
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("chair", parsed.frontMatter().author().name());
    extra.put("attendees", "[]");
    extra.put("imported", "true");
    return store(parsed.frontMatter(), parsed.body(), extra);
  }

  private Future<CreatedMeeting> store(FrontMatter meta, String body, Map<String, String> extra) {
    String id = DocumentIds.newId();
    EnumMap<Role, String> tokens = new EnumMap<>(Role.class);
    Map<String, String> tokenRoles = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      String token = Tokens.issue(role);
      tokens.put(role, token);
      tokenRoles.put(Tokens.hash(token), role.label());
    }
    Map<String, String> fields = new LinkedHashMap<>(extra);
    fields.put("documentId", id);
    fields.put("date", meta.updated());
    fields.put("status", "open");
    fields.put("createdAt", Instant.now(clock).toString());
    tokens.forEach((role, token) -> fields.put("token:" + role.label(), Tokens.hash(token)));
    return onPool(() -> documents.create(meta, body))
        .compose(snapshot -> store.create(id, snapshot))
        .compose(v -> records.create(id, fields, tokenRoles))
        .compose(
            created ->
                created
                    ? Future.succeededFuture(
                        new CreatedMeeting(id, DocumentIds.toUrl(id), "open", tokens))
                    : Future.failedFuture(
                        new MeetingException(
                            Kind.CONFLICT, "id_taken", "meeting id collision, retry")))
        .onSuccess(m -> log.info("meeting {} created ({})", id, meta.updated()))
        .recover(MeetingService::unavailable);
  }

  private Future<Previous> previous(String previousId) {
    return records
        .get(previousId)
        .compose(
            record ->
                record
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                MeetingException.invalid(
                                    "unknown_previous",
                                    "previous meeting '" + previousId + "' does not exist"))))
        .compose(
            record ->
                snapshotOf(record)
                    .map(
                        snapshot ->
                            new Previous(
                                previousId,
                                Optional.ofNullable(record.get("chair")).filter(s -> !s.isEmpty()),
                                new JsonArray(record.getOrDefault("attendees", "[]"))
                                    .stream().map(String::valueOf).toList(),
                                snapshot.meta().permalink(),
                                ActionItems.open(ActionItems.parse(snapshot.body())))));
  }

  // ---- read ----

  /** The meeting as the API shows it to any holder of one of its tokens. */
  public Future<JsonObject> view(String meetingId, String token) {
    return authorized(meetingId, token, null)
        .compose(
            record ->
                snapshotOf(record)
                    .compose(
                        snapshot ->
                            publisher
                                .status(meetingId)
                                .map(
                                    publish -> {
                                      Role role = roleOf(record, token);
                                      JsonObject closed =
                                          Optional.ofNullable(record.get("closed"))
                                              .map(JsonObject::new)
                                              .orElse(null);
                                      JsonArray items = new JsonArray();
                                      for (ActionItem item : ActionItems.parse(snapshot.body())) {
                                        items.add(
                                            new JsonObject()
                                                .put("done", item.done())
                                                .put("owner", item.owner())
                                                .put("text", item.text())
                                                .put("line", item.line()));
                                      }
                                      return new JsonObject()
                                          .put("id", meetingId)
                                          .put(
                                              "documentUrl",
                                              DocumentIds.toUrl(record.get("documentId")))
                                          .put("status", status(record))
                                          .put("role", role.label())
                                          .put("meta", metaJson(snapshot.meta()))
                                          .put("closed", closed)
                                          .put("publish", new JsonArray(publish))
                                          .put("actionItems", items);
                                    })));
  }

  /** The rendering now, or the frozen final version once closed. */
  public Future<String> minutes(String meetingId, String token) {
    return authorized(meetingId, token, null)
        .compose(
            record -> {
              String finalText = record.get("final");
              if (finalText != null) {
                return Future.succeededFuture(finalText);
              }
              return currentSnapshot(record)
                  .map(
                      s ->
                          PublishableMinutes.render(
                                  meetingId, s, MeetingCloser.fallbackDate(record))
                              .markdown());
            });
  }

  // ---- export ----

  /**
   * The meeting in {@code format}, for any of its tokens (docs/contract.md §3): {@code md} is
   * exactly {@link #minutes}; {@code json} and {@code automerge} come from the stored document.
   */
  public Future<ExportedMeeting> export(String meetingId, String token, ExportFormat format) {
    return authorized(meetingId, token, null)
        .compose(
            record -> {
              String fallbackDate = MeetingCloser.fallbackDate(record);
              if (format == ExportFormat.MD) {
                return minutes(meetingId, token)
                    .map(text -> ExportedMeeting.markdown(text, fallbackDate));
              }
              return loadStored(record.get("documentId"))
                  .compose(
                      stored -> onPool(() -> exported(meetingId, stored, format, fallbackDate)));
            })
        .recover(MeetingService::unavailable);
  }

  private ExportedMeeting exported(
      String meetingId, StoredDocument stored, ExportFormat format, String fallbackDate) {
    if (format == ExportFormat.JSON) {
      return ExportedMeeting.json(
          meetingId, documents.contents(stored.snapshot(), stored.changes()), fallbackDate);
    }
    return ExportedMeeting.automerge(
        documents.saved(stored.snapshot(), stored.changes()), fallbackDate);
  }

  // ---- close ----

  /** Freezes and publishes; repeating it (from any node) returns the same result. */
  public Future<JsonObject> close(String meetingId, String token, Optional<String> by) {
    return authorized(meetingId, token, Role.CHAIR)
        .compose(
            record -> closer.close(meetingId, record, by.orElse(record.getOrDefault("chair", ""))))
        .recover(MeetingService::unavailable);
  }

  // ---- access ----

  @Override
  public Future<AccessGrant> authorize(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new AccessDenied(401, "a token is required (?token=...)"));
    }
    return records
        .findToken(Tokens.hash(token))
        .compose(
            entry -> {
              if (entry.isEmpty()) {
                return Future.failedFuture(new AccessDenied(401, "unknown token"));
              }
              String[] parts = entry.get().split(" ", 2);
              Role role = Role.fromLabel(parts[1]);
              return records
                  .get(parts[0])
                  .compose(
                      record ->
                          record
                              .filter(r -> Tokens.matches(token, r.get("token:" + role.label())))
                              .map(
                                  r ->
                                      Future.succeededFuture(
                                          new AccessGrant(
                                              r.get("documentId"),
                                              role.mayWrite(),
                                              "meeting " + parts[0] + " as " + role.label())))
                              .orElseGet(
                                  () ->
                                      Future.failedFuture(new AccessDenied(401, "unknown token"))));
            });
  }

  /**
   * The meeting's record if the token is one of its tokens (and of {@code required} role when
   * given). An unknown meeting is 404 whatever the token; then a missing or unknown token is 401, a
   * token of another meeting or of the wrong role 403 (docs/contract.md §3).
   */
  private Future<Map<String, String>> authorized(String meetingId, String token, Role required) {
    return records
        .get(meetingId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.NOT_FOUND, "unknown_meeting", "no meeting '" + meetingId + "'"));
              }
              if (token == null || token.isEmpty()) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.UNAUTHORIZED,
                        "missing_token",
                        "send a meeting token as 'Authorization: Bearer <token>'"));
              }
              Map<String, String> record = found.get();
              Role role = roleOf(record, token);
              if (role == null) {
                return records
                    .findToken(Tokens.hash(token))
                    .compose(
                        other ->
                            Future.failedFuture(
                                other.isPresent()
                                    ? new MeetingException(
                                        Kind.FORBIDDEN,
                                        "wrong_meeting",
                                        "this token belongs to another meeting")
                                    : new MeetingException(
                                        Kind.UNAUTHORIZED,
                                        "invalid_token",
                                        "the token is not valid")));
              }
              if (required != null && role != required) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.FORBIDDEN,
                        "wrong_role",
                        "this needs the "
                            + required.label()
                            + " token; yours is the "
                            + role.label()
                            + " token"));
              }
              return Future.succeededFuture(record);
            })
        .recover(MeetingService::unavailable);
  }

  private static Role roleOf(Map<String, String> record, String token) {
    for (Role role : Role.values()) {
      if (Tokens.matches(token, record.get("token:" + role.label()))) {
        return role;
      }
    }
    return null;
  }

  // ---- helpers ----

  /**
   * What the meeting says: for a closed meeting its final minutes (kept at close, from the frozen
   * heads), otherwise the stored document now.
   */
  private Future<MeetingDocument.Snapshot> snapshotOf(Map<String, String> record) {
    String finalText = record.get("final");
    if (finalText != null) {
      PublishedMinutes published = MinutesParser.parse(finalText);
      return Future.succeededFuture(
          new MeetingDocument.Snapshot(published.frontMatter(), published.body(), "closed"));
    }
    return currentSnapshot(record);
  }

  private Future<MeetingDocument.Snapshot> currentSnapshot(Map<String, String> record) {
    return loadStored(record.get("documentId"))
        .compose(stored -> onPool(() -> documents.current(stored.snapshot(), stored.changes())));
  }

  private Future<StoredDocument> loadStored(String documentId) {
    return store
        .load(documentId)
        .compose(
            found ->
                found
                    .map(Future::succeededFuture)
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                new MeetingException(
                                    Kind.NOT_FOUND,
                                    "unknown_document",
                                    "the meeting's document is missing"))));
  }

  private <T> Future<T> onPool(Supplier<T> task) {
    return work.run(task);
  }

  private static String status(Map<String, String> record) {
    String status = record.getOrDefault("status", "open");
    return status.equals("closing") ? "open" : status;
  }

  private static void validate(FrontMatter meta) {
    try {
      MinutesRenderer.validate(meta);
    } catch (IllegalArgumentException e) {
      throw MeetingException.invalid("invalid_meta", e.getMessage());
    }
  }

  static JsonObject metaJson(FrontMatter meta) {
    return new JsonObject()
        .put("updated", meta.updated())
        .put(
            "author",
            new JsonObject()
                .put("name", meta.author().name())
                .put("uri", meta.author().uri())
                .put("email", meta.author().email()))
        .put("subject", meta.subject())
        .put("permalink", meta.permalink())
        .put("description", meta.description());
  }

  private static <T> Future<T> unavailable(Throwable failure) {
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.UNAVAILABLE) {
      return Future.failedFuture(
          new MeetingException(
              Kind.UNAVAILABLE,
              "store_unavailable",
              "storage is unavailable right now; nothing was changed, retry"));
    }
    return Future.failedFuture(failure);
  }

  /** Today in UTC, the default meeting date. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  private record Previous(
      String id,
      Optional<String> chair,
      List<String> attendees,
      String permalink,
      List<ActionItem> openItems) {}
}
