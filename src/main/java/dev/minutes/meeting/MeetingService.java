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
import dev.minutes.render.MinutesSections;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.store.DocumentStore;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.PublicationNames;
import dev.minutes.store.ReopenNotices;
import dev.minutes.store.SeriesRecords;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A meeting's lifecycle (open → closing → closed, and back to open for corrections) and who may do
 * what with it. Implements the sync endpoint's {@link AccessPolicy}: a meeting token opens exactly
 * its meeting's document, a series token the documents of its series' meetings; viewers read only.
 *
 * <p>Closing happens exactly once per revision across nodes and crashes; see {@link MeetingCloser}.
 * The final minutes are rendered from the document at its frozen heads: everything stored when the
 * write gate closed, nothing after. Once closed, reads use the final minutes kept at close.
 * Reopening ({@link MeetingReopener}) keeps them as the published revision.
 */
public final class MeetingService implements AccessPolicy {
  private static final Logger log = LoggerFactory.getLogger(MeetingService.class);

  private final MeetingStores stores;
  private final MeetingDocument documents;
  private final Publisher publisher;
  private final Clock clock;
  private final AutomergeWork work;
  private final MeetingAccess access;
  private final MeetingCloser closer;
  private final UnfinishedCloses unfinishedCloses;
  private final MeetingReopener reopener;
  private final MeetingReader reader;

  /**
   * {@code earlierTextAfter}: how long a page waits for a meeting's load before it is answered the
   * last digest kept ({@link MeetingReader}).
   */
  public MeetingService(
      Vertx vertx,
      MeetingStores stores,
      SessionRegistry sessions,
      SessionPool pool,
      MeetingDocument documents,
      Publisher publisher,
      Duration earlierTextAfter,
      Clock clock) {
    this.stores = stores;
    this.documents = documents;
    this.publisher = publisher;
    this.clock = clock;
    this.work = new AutomergeWork(vertx, pool);
    this.reader =
        new MeetingReader(vertx, stores.documents(), sessions, documents, work, earlierTextAfter);
    this.access = new MeetingAccess(stores.meetings(), stores.series());
    this.closer =
        new MeetingCloser(
            vertx,
            stores.meetings(),
            stores.documents(),
            sessions,
            documents,
            publisher,
            stores.names(),
            clock,
            work);
    this.unfinishedCloses = new UnfinishedCloses(vertx, closer, clock);
    this.reopener =
        new MeetingReopener(
            stores.meetings(),
            stores.documents(),
            sessions,
            stores.reopenNotices(),
            documents,
            clock,
            work);
  }

  /** The close machinery, for tests that stop a close between its steps as a crash would. */
  MeetingCloser closer() {
    return closer;
  }

  /** The look for closes left unfinished, for tests that look without waiting for its timer. */
  UnfinishedCloses unfinishedCloses() {
    return unfinishedCloses;
  }

  /**
   * Starts the background work: finishing closes that a stopped node left half-done (now and every
   * few seconds). Call on the node's event loop once Redis is connected.
   */
  public void start() {
    unfinishedCloses.start();
  }

  /** Stops the background work; completes when a close it was finishing has ended. */
  public Future<?> stop() {
    return unfinishedCloses.stop();
  }

  // ---- create and import ----

  /**
   * Creates a meeting as requested; with {@code previous}, it follows that meeting (see {@link
   * #planAfter}).
   */
  public Future<CreatedMeeting> create(MeetingRequest request) {
    if (request.previous().isEmpty()) {
      return guarded(() -> create(planOf(request)));
    }
    String previousId = request.previous().get();
    return facts(previousId)
        .compose(
            found ->
                found
                    .map(previous -> guarded(() -> create(planAfter(request, previous))))
                    .orElseGet(
                        () ->
                            Future.failedFuture(
                                MeetingException.invalid(
                                    "unknown_previous",
                                    "previous meeting '" + previousId + "' does not exist"))));
  }

  private MeetingPlan planOf(MeetingRequest request) {
    String date = request.date().orElse(today().toString());
    String chair = request.chair().orElse(request.author().name());
    return new MeetingPlan(
        date,
        request.subject().orElse("Weekly Meeting: " + date),
        request.description(),
        request.author(),
        chair,
        request.attendees(),
        request.agenda(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /**
   * The meeting after {@code previous}, unless the request says otherwise: the date and chair its
   * minutes give for the next call (else today, and its chair), its chair and attendees as
   * attendees, its agenda, and its subject with its date replaced.
   */
  private MeetingPlan planAfter(MeetingRequest request, MeetingFacts previous) {
    FollowingCall following = FollowingCall.after(previous);
    List<String> people = new ArrayList<>();
    if (!previous.chair().isEmpty()) {
      people.add(previous.chair());
    }
    people.addAll(previous.attendees());
    List<String> attendees = request.attendees().isEmpty() ? people : request.attendees();
    String date = following.date(request.date(), today(), "today's date");
    String fallbackChair = previous.chair().isEmpty() ? request.author().name() : previous.chair();
    String chair = following.chair(request.chair(), attendees, fallbackChair);
    String previousDate = previous.meta().updated();
    String subject =
        request
            .subject()
            .orElseGet(
                () ->
                    previous.meta().subject().contains(previousDate)
                        ? previous.meta().subject().replace(previousDate, date)
                        : previous.meta().subject());
    Author author =
        request.author().name().isEmpty()
            ? new Author(chair, request.author().uri(), request.author().email())
            : request.author();
    return new MeetingPlan(
        date,
        subject.isBlank() ? "Weekly Meeting: " + date : subject,
        request.description(),
        author,
        chair,
        attendees,
        request.agenda().isEmpty() ? MinutesSections.agenda(previous.body()) : request.agenda(),
        Optional.of(previous),
        Optional.empty(),
        following.notes());
  }

  /** Creates the meeting {@code plan} describes (a series' next call, or a request's). */
  public Future<CreatedMeeting> create(MeetingPlan plan) {
    return guarded(() -> createNow(plan));
  }

  private Future<CreatedMeeting> createNow(MeetingPlan plan) {
    Author author =
        plan.author().name().isEmpty()
            ? new Author(plan.chair(), plan.author().uri(), plan.author().email())
            : plan.author();
    FrontMatter meta =
        new FrontMatter(
            plan.date(), author, plan.subject(), "weekly-" + plan.date(), plan.description());
    validate(meta);
    String body =
        BodyTemplate.initialBody(
            new BodyInput(
                plan.chair(),
                plan.attendees(),
                plan.agenda(),
                plan.previous().map(MeetingFacts::actionItems).orElse(List.of()),
                plan.previous().map(MeetingFacts::permalink).orElse(null)));
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("chair", plan.chair());
    extra.put("attendees", new JsonArray(plan.attendees()).encode());
    plan.previous().ifPresent(p -> extra.put("previous", p.id()));
    plan.series().ifPresent(s -> extra.put("series", s));
    return store(meta, body, extra, plan.notes());
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
    return store(parsed.frontMatter(), parsed.body(), extra, List.of());
  }

  private Future<CreatedMeeting> store(
      FrontMatter meta, String body, Map<String, String> extra, List<String> notes) {
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
    return work.run(() -> documents.create(meta, body))
        .compose(snapshot -> stores.documents().create(id, snapshot))
        .compose(v -> stores.meetings().create(id, fields, tokenRoles))
        .compose(
            created ->
                created
                    ? Future.succeededFuture(
                        new CreatedMeeting(
                            id, DocumentIds.toUrl(id), "open", tokens, meta.updated(), notes))
                    : Future.failedFuture(
                        new MeetingException(
                            Kind.CONFLICT, "id_taken", "meeting id collision, retry")))
        .onSuccess(m -> log.info("meeting {} created ({})", id, meta.updated()))
        .recover(MeetingException::fromStoreFailure);
  }

  // ---- read ----

  /**
   * What a meeting says and where it stands, without a token check (for a following meeting and a
   * series' overview); empty when there is no such meeting.
   */
  public Future<Optional<MeetingFacts>> facts(String meetingId) {
    if (!DocumentIds.isValid(meetingId)) {
      // Not even the shape of an id (e.g. a "previous" typed by hand): no Redis key is made of it.
      return Future.succeededFuture(Optional.empty());
    }
    return stores
        .meetings()
        .get(meetingId)
        .compose(
            found ->
                found.isEmpty()
                    ? Future.succeededFuture(Optional.<MeetingFacts>empty())
                    : reader
                        .said(found.get(), MeetingReader.For.OTHERS)
                        .map(s -> Optional.of(factsOf(found.get(), s))))
        .recover(MeetingException::fromStoreFailure);
  }

  private static MeetingFacts factsOf(Map<String, String> record, MeetingDocument.Snapshot now) {
    String updated = now.meta().updated();
    LocalDate date =
        LocalDate.parse(
            PublishableMinutes.validDate(updated) ? updated : MeetingCloser.fallbackDate(record));
    return new MeetingFacts(
        record.get("id"),
        DocumentIds.toUrl(record.get("documentId")),
        status(record),
        MeetingCloser.revisionOf(record),
        now.meta(),
        now.body(),
        date,
        record.getOrDefault("chair", ""),
        new JsonArray(record.getOrDefault("attendees", "[]"))
            .stream().map(String::valueOf).toList(),
        Optional.ofNullable(record.get("series")),
        Optional.ofNullable(record.get("publishedPermalink")));
  }

  /**
   * The delivery state of the meeting's latest publication, per target (docs/contract.md §3 {@code
   * publish}); empty before the first close. {@code revision}: the meeting's, read with its record.
   */
  public Future<List<JsonObject>> published(String meetingId, int revision) {
    return publisher.status(meetingId, revision);
  }

  /**
   * The meeting as the API shows it to any holder of one of its or its series' tokens. {@code
   * earlierWhileLoading}: the caller (a meeting page) takes the text of a moment ago, with the
   * heads it was read at, rather than wait while this node loads a history that changed since the
   * last digest was kept (docs/contract.md, "whileLoading").
   */
  public Future<JsonObject> view(String meetingId, String token, boolean earlierWhileLoading) {
    MeetingReader.For forPage =
        earlierWhileLoading ? MeetingReader.For.PAGE_TAKING_EARLIER : MeetingReader.For.PAGE;
    return access
        .authorized(meetingId, token, null)
        .compose(
            granted ->
                reader
                    .said(granted.record(), forPage)
                    .compose(
                        snapshot ->
                            published(meetingId, MeetingCloser.revisionOf(granted.record()))
                                .map(publish -> viewOf(granted, snapshot, publish))));
  }

  private JsonObject viewOf(
      MeetingAccess.Access granted, MeetingDocument.Snapshot snapshot, List<JsonObject> publish) {
    Map<String, String> record = granted.record();
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
        .put("id", record.get("id"))
        .put("documentUrl", DocumentIds.toUrl(record.get("documentId")))
        .put("status", status(record))
        .put("role", granted.role().label())
        .put("meta", new JsonObject(snapshot.meta().fields()))
        .put("closed", Optional.ofNullable(record.get("closed")).map(JsonObject::new).orElse(null))
        .put("revision", MeetingCloser.revisionOf(record))
        .put("revisions", revisionsOf(record))
        .put("series", record.get("series"))
        .put("publish", new JsonArray(publish))
        .put("site", publisher.site().orElse(null))
        .put("actionItems", items)
        .put("body", snapshot.body())
        .put("heads", new JsonArray(snapshot.heads()));
  }

  /**
   * Who closed each published revision and when, oldest first: the latest revision's {@code closed}
   * while closed, and the {@code closed:<n>} that each reopening kept of the revision before.
   */
  private static JsonArray revisionsOf(Map<String, String> record) {
    int latest = MeetingCloser.revisionOf(record);
    boolean closed = "closed".equals(record.get("status"));
    JsonArray revisions = new JsonArray();
    for (int revision = 1; revision <= latest; revision++) {
      String stored =
          revision == latest && closed ? record.get("closed") : record.get("closed:" + revision);
      JsonObject facts = stored == null ? new JsonObject() : new JsonObject(stored);
      revisions.add(
          new JsonObject()
              .put("revision", revision)
              .put("at", facts.getString("at"))
              .put("by", facts.getString("by")));
    }
    return revisions;
  }

  /**
   * The rendering now, or the frozen final version once closed; with {@code revision}, that
   * published revision (each reopen keeps the one before).
   */
  public Future<String> minutes(String meetingId, String token, Optional<Integer> revision) {
    return access
        .authorized(meetingId, token, null)
        .compose(
            granted ->
                revision.isPresent()
                    ? publishedRevision(meetingId, granted.record(), revision.get())
                    : current(meetingId, granted.record()));
  }

  private Future<String> current(String meetingId, Map<String, String> record) {
    String finalText = record.get("final");
    if (finalText != null) {
      return Future.succeededFuture(finalText);
    }
    return reader
        .current(record, MeetingReader.For.OTHERS)
        .map(
            s ->
                PublishableMinutes.render(meetingId, s, MeetingCloser.fallbackDate(record))
                    .markdown());
  }

  private static Future<String> publishedRevision(
      String meetingId, Map<String, String> record, int revision) {
    int latest = MeetingCloser.revisionOf(record);
    String text =
        revision == latest && "closed".equals(record.get("status"))
            ? record.get("final")
            : record.get("final:" + revision);
    if (text == null) {
      return Future.failedFuture(
          new MeetingException(
              Kind.NOT_FOUND,
              "unknown_revision",
              "meeting "
                  + meetingId
                  + " has no published revision "
                  + revision
                  + (latest == 0
                      ? " (it was never closed)"
                      : latest == 1
                          ? " (revision 1 is)"
                          : " (revisions 1 to " + latest + " are)")));
    }
    return Future.succeededFuture(text);
  }

  // ---- export ----

  /**
   * The meeting in {@code format}, for any of its tokens (docs/contract.md §3): {@code md} is
   * exactly {@link #minutes}; {@code json} and {@code automerge} come from the stored document.
   */
  public Future<ExportedMeeting> export(String meetingId, String token, ExportFormat format) {
    return access
        .authorized(meetingId, token, null)
        .map(MeetingAccess.Access::record)
        .compose(
            record -> {
              ExportedMeeting.Naming naming =
                  new ExportedMeeting.Naming(
                      record.get("publishedName"), MeetingCloser.fallbackDate(record));
              if (format == ExportFormat.MD) {
                return minutes(meetingId, token, Optional.empty())
                    .map(text -> ExportedMeeting.markdown(text, naming));
              }
              return stores
                  .documents()
                  .loadExisting(record.get("documentId"))
                  .recover(MeetingException::fromStoreFailure)
                  .compose(stored -> work.run(() -> exported(meetingId, stored, format, naming)));
            })
        .recover(MeetingException::fromStoreFailure);
  }

  private ExportedMeeting exported(
      String meetingId, StoredDocument stored, ExportFormat format, ExportedMeeting.Naming naming) {
    if (format == ExportFormat.JSON) {
      return ExportedMeeting.json(
          meetingId, documents.contents(stored.snapshot(), stored.changes()), naming);
    }
    return ExportedMeeting.automerge(documents.saved(stored.snapshot(), stored.changes()), naming);
  }

  // ---- close and reopen ----

  /** Freezes and publishes; repeating it (from any node) returns the same result. */
  public Future<JsonObject> close(String meetingId, String token, Optional<String> by) {
    return access
        .authorized(meetingId, token, Role.CHAIR)
        .compose(
            granted ->
                closer.close(
                    meetingId,
                    granted.record(),
                    by.orElse(granted.record().getOrDefault("chair", ""))))
        .recover(MeetingException::fromStoreFailure);
  }

  /** Opens a closed meeting again for corrections (chair of the meeting or of its series). */
  public Future<JsonObject> reopen(String meetingId, String token, Optional<String> by) {
    return access
        .authorized(meetingId, token, Role.CHAIR)
        .compose(
            granted ->
                reopener.reopen(
                    meetingId,
                    granted.record(),
                    by.orElse(granted.record().getOrDefault("chair", ""))))
        .recover(MeetingException::fromStoreFailure);
  }

  // ---- access ----

  @Override
  public Future<AccessGrant> authorize(String token) {
    return access.grant(token);
  }

  // ---- helpers ----

  /**
   * Runs a step whose checks throw: the template and the renderer name the offending value (the
   * request checks should have caught it).
   */
  private static <T> Future<T> guarded(Supplier<Future<T>> step) {
    try {
      return step.get();
    } catch (MeetingException e) {
      return Future.failedFuture(e);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(MeetingException.invalid("invalid_field", e.getMessage()));
    }
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

  /** Today in UTC, the default meeting date. */
  public LocalDate today() {
    return LocalDate.now(clock.withZone(ZoneOffset.UTC));
  }

  /** The stores the meetings module keeps its state in. */
  public record MeetingStores(
      MeetingRecords meetings,
      SeriesRecords series,
      PublicationNames names,
      ReopenNotices reopenNotices,
      DocumentStore documents) {}
}
