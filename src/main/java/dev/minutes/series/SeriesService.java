package dev.minutes.series;

import dev.minutes.meeting.CreatedMeeting;
import dev.minutes.meeting.MeetingException;
import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.meeting.MeetingFacts;
import dev.minutes.meeting.MeetingService;
import dev.minutes.meeting.Role;
import dev.minutes.meeting.Tokens;
import dev.minutes.render.ActionItem;
import dev.minutes.render.ActionItems;
import dev.minutes.render.MinutesSections;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.SeriesRecords;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A weekly call as a series of meetings (docs/series.md): its links work on every call, each call
 * starts from the previous one, and its overview lists the calls with their published minutes and
 * the action items still open.
 *
 * <p>One call is open at a time: starting the next one while the newest is still open (not merely
 * reopened for corrections) is refused. A short lease in Redis lets one request at a time start a
 * call, and the call joins the series only if no other joined meanwhile.
 */
public final class SeriesService {
  private static final Logger log = LoggerFactory.getLogger(SeriesService.class);

  /** Longer than starting a call takes; a crashed starter's lease expires by then. */
  static final Duration START_LEASE = Duration.ofSeconds(30);

  private final SeriesRecords records;
  private final MeetingRecords meetingRecords;
  private final MeetingService meetings;
  private final Clock clock;
  private final String runnerId = UUID.randomUUID().toString();

  public SeriesService(
      SeriesRecords records, MeetingRecords meetingRecords, MeetingService meetings, Clock clock) {
    this.records = records;
    this.meetingRecords = meetingRecords;
    this.meetings = meetings;
    this.clock = clock;
  }

  /** A new series as its creator sees it once: the only time its tokens are shown. */
  public record CreatedSeries(String id, Map<Role, String> tokens) {}

  /** A call started by a series: the meeting, and the series it belongs to. */
  public record StartedCall(CreatedMeeting meeting, String seriesId) {}

  // ---- create ----

  public Future<CreatedSeries> create(Series settings) {
    String id = DocumentIds.newId();
    EnumMap<Role, String> tokens = new EnumMap<>(Role.class);
    Map<String, String> tokenRoles = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      String token = Tokens.issueForSeries(role);
      tokens.put(role, token);
      tokenRoles.put(Tokens.hash(token), role.label());
    }
    Map<String, String> fields = new LinkedHashMap<>(settings.fields());
    fields.put("createdAt", Instant.now(clock).toString());
    tokens.forEach((role, token) -> fields.put("token:" + role.label(), Tokens.hash(token)));
    return records
        .create(id, fields, tokenRoles)
        .compose(
            created ->
                created
                    ? Future.succeededFuture(new CreatedSeries(id, tokens))
                    : Future.<CreatedSeries>failedFuture(
                        new MeetingException(
                            Kind.CONFLICT, "id_taken", "series id collision, retry")))
        .onSuccess(s -> log.info("series {} created ({})", id, settings.title()))
        .recover(SeriesService::unavailable);
  }

  // ---- the next call ----

  /** Starts the first or the next call (series chair token). */
  public Future<StartedCall> startNext(String seriesId, String token, NextCallRequest request) {
    return authorized(seriesId, token, Role.CHAIR)
        .compose(
            record ->
                records
                    .acquireStartLease(seriesId, runnerId, START_LEASE)
                    .compose(
                        leased ->
                            leased
                                ? startHoldingLease(Series.of(record), request)
                                    .eventually(() -> records.releaseStartLease(seriesId, runnerId))
                                : Future.failedFuture(
                                    new MeetingException(
                                        Kind.CONFLICT,
                                        "call_starting",
                                        "another request is starting a call of this series right"
                                            + " now; look at the series, then retry"))))
        .recover(SeriesService::unavailable);
  }

  private Future<StartedCall> startHoldingLease(Series series, NextCallRequest request) {
    return records
        .meetings(series.id())
        .compose(
            ids -> {
              String newest = ids.isEmpty() ? null : ids.get(ids.size() - 1);
              return newest == null
                  ? Future.succeededFuture(Optional.<MeetingFacts>empty())
                  : meetings.facts(newest);
            })
        .compose(
            previous -> {
              if (previous.isPresent() && !previous.get().closed() && !previous.get().reopened()) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.CONFLICT,
                        "call_open",
                        "the call of "
                            + previous.get().date()
                            + " ("
                            + previous.get().id()
                            + ") is still open; close it before starting the next"));
              }
              return meetings
                  .create(NextCallPlanner.plan(series, previous, request, meetings.today()))
                  .compose(created -> join(series.id(), previous, created));
            });
  }

  private Future<StartedCall> join(
      String seriesId, Optional<MeetingFacts> previous, CreatedMeeting created) {
    return records
        .append(seriesId, previous.map(MeetingFacts::id).orElse(null), created.id())
        .compose(
            joined -> {
              if (!joined) {
                log.warn(
                    "series {}: call {} was not added, another call joined meanwhile",
                    seriesId,
                    created.id());
                return Future.failedFuture(
                    new MeetingException(
                        Kind.CONFLICT,
                        "call_open",
                        "another call of this series was started meanwhile; look at the series"));
              }
              log.info("series {}: call {} started for {}", seriesId, created.id(), created.date());
              return Future.succeededFuture(new StartedCall(created, seriesId));
            });
  }

  // ---- read ----

  /**
   * The series as any holder of one of its tokens sees it: its calls newest first with their
   * published minutes, the current (open) call, and the action items still open.
   */
  public Future<JsonObject> view(String seriesId, String token) {
    return authorized(seriesId, token, null)
        .compose(
            record ->
                records
                    .meetings(seriesId)
                    .compose(this::callsOf)
                    .map(
                        calls -> viewOf(record, Tokens.roleIn(record, token).orElseThrow(), calls)))
        .recover(SeriesService::unavailable);
  }

  /** A call of the series: what it says, and how its minutes were published. */
  private record Call(MeetingFacts facts, List<JsonObject> published) {}

  private Future<List<Call>> callsOf(List<String> ids) {
    List<Future<Optional<Call>>> calls = new ArrayList<>();
    for (String id : ids) {
      calls.add(
          meetings
              .facts(id)
              .compose(
                  facts ->
                      facts.isEmpty()
                          ? Future.succeededFuture(Optional.<Call>empty())
                          : meetings
                              .published(id, facts.get().revision())
                              .map(published -> Optional.of(new Call(facts.get(), published)))));
    }
    return Future.all(calls)
        .map(
            all -> {
              List<Call> found = new ArrayList<>();
              for (int i = 0; i < ids.size(); i++) {
                all.<Optional<Call>>resultAt(i).ifPresent(found::add);
              }
              return found;
            });
  }

  private static JsonObject viewOf(Map<String, String> record, Role role, List<Call> calls) {
    Series series = Series.of(record);
    Call newest = calls.isEmpty() ? null : calls.get(calls.size() - 1);
    boolean inProgress = newest != null && !newest.facts().closed() && !newest.facts().reopened();
    JsonArray meetingsJson = new JsonArray();
    List<Call> newestFirst = new ArrayList<>(calls);
    Collections.reverse(newestFirst);
    newestFirst.forEach(call -> meetingsJson.add(callJson(call)));
    JsonArray open = new JsonArray();
    OpenActions.of(calls.stream().map(Call::facts).toList())
        .forEach(
            action ->
                open.add(
                    new JsonObject()
                        .put("owner", action.owner())
                        .put("text", action.text())
                        .put("meeting", action.meeting())
                        .put("date", action.date())));
    return new JsonObject()
        .put("id", series.id())
        .put("title", series.title())
        .put("role", role.label())
        .put("chair", series.chair())
        .put("attendees", new JsonArray(series.attendees()))
        .put("agenda", new JsonArray(series.agenda()))
        .put("cadenceDays", series.cadenceDays())
        .put("current", inProgress ? newest.facts().id() : null)
        .put("meetings", meetingsJson)
        .put("openActions", open);
  }

  private static JsonObject callJson(Call call) {
    MeetingFacts facts = call.facts();
    JsonArray published = new JsonArray();
    for (JsonObject job : call.published()) {
      published.add(
          new JsonObject()
              .put("target", job.getString("target"))
              .put("state", job.getString("state"))
              .put("path", job.getString("path"))
              .put("url", job.getString("url")));
    }
    List<ActionItem> items = facts.actionItems();
    long open = ActionItems.open(items).size();
    long done =
        items.stream().filter(ActionItem::done).map(ActionItems::identity).distinct().count();
    return new JsonObject()
        .put("id", facts.id())
        .put("date", facts.date().toString())
        .put("status", facts.status())
        .put("reopened", facts.reopened())
        .put("revision", facts.revision())
        .put("subject", facts.meta().subject())
        .put("documentUrl", facts.documentUrl())
        .put("published", published)
        .put("attendees", new JsonArray(MinutesSections.attendees(facts.body()).names()))
        .put("actions", new JsonObject().put("open", open).put("done", done));
  }

  // ---- access ----

  /**
   * The series' record if the token is one of its tokens (and of {@code required} role when given).
   * An unknown series is 404 whatever the token; then a missing or unknown token is 401, a token of
   * something else or of the wrong role 403.
   */
  private Future<Map<String, String>> authorized(String seriesId, String token, Role required) {
    if (!DocumentIds.isValid(seriesId)) {
      return Future.failedFuture(unknownSeries(seriesId));
    }
    return records
        .get(seriesId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(unknownSeries(seriesId));
              }
              if (token == null || token.isEmpty()) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.UNAUTHORIZED,
                        "missing_token",
                        "send a series token as 'Authorization: Bearer <token>'"));
              }
              Optional<Role> role = Tokens.roleIn(found.get(), token);
              if (role.isEmpty()) {
                return meetingRecords
                    .findToken(Tokens.hash(token))
                    .compose(
                        other ->
                            Future.failedFuture(
                                other.isPresent()
                                    ? new MeetingException(
                                        Kind.FORBIDDEN,
                                        "wrong_series",
                                        "this token belongs to another series or meeting")
                                    : new MeetingException(
                                        Kind.UNAUTHORIZED,
                                        "invalid_token",
                                        "the token is not valid")));
              }
              if (required != null && role.get() != required) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.FORBIDDEN,
                        "wrong_role",
                        "this needs the series' "
                            + required.label()
                            + " token; yours is its "
                            + role.get().label()
                            + " token"));
              }
              return Future.succeededFuture(found.get());
            });
  }

  private static MeetingException unknownSeries(String seriesId) {
    return new MeetingException(Kind.NOT_FOUND, "unknown_series", "no series '" + seriesId + "'");
  }

  private static <T> Future<T> unavailable(Throwable failure) {
    return Future.failedFuture(MeetingException.fromStore(failure));
  }
}
