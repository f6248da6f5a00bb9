package dev.minutes.meeting;

import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.store.MeetingRecords;
import dev.minutes.store.SeriesRecords;
import dev.minutes.sync.AccessGrant;
import dev.minutes.sync.AccessPolicy.AccessDenied;
import dev.minutes.sync.DocumentScope;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Who may do what with a meeting: its own tokens open it alone; the tokens of its series open it
 * and every other meeting of that series, with the same role. Tokens are compared with the stored
 * hashes in constant time ({@link Tokens#roleIn}) and never logged.
 */
final class MeetingAccess {
  private final MeetingRecords records;
  private final SeriesRecords series;

  MeetingAccess(MeetingRecords records, SeriesRecords series) {
    this.records = records;
    this.series = series;
  }

  /** A meeting's record and the role the caller's token has on it. */
  record Access(Map<String, String> record, Role role) {}

  /**
   * The meeting's record if the token is one of its tokens or of its series' (and of {@code
   * required} role when given). An unknown meeting is 404 whatever the token; then a missing or
   * unknown token is 401, a token of another meeting or series, or of the wrong role, 403
   * (docs/contract.md §3, §7).
   */
  Future<Access> authorized(String meetingId, String token, Role required) {
    if (!DocumentIds.isValid(meetingId)) {
      // Not even the shape of an id: no Redis key is ever made from it.
      return Future.failedFuture(unknownMeeting(meetingId));
    }
    return records
        .get(meetingId)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(unknownMeeting(meetingId));
              }
              if (token == null || token.isEmpty()) {
                return Future.failedFuture(
                    new MeetingException(
                        Kind.UNAUTHORIZED,
                        "missing_token",
                        "send a meeting or series token as 'Authorization: Bearer <token>'"));
              }
              Map<String, String> record = found.get();
              return roleOn(record, token)
                  .compose(
                      role ->
                          role.isPresent()
                              ? withRole(record, role.get(), required)
                              : notTheirs(token));
            })
        .recover(MeetingException::fromStoreFailure);
  }

  private static MeetingException unknownMeeting(String meetingId) {
    return new MeetingException(
        Kind.NOT_FOUND, "unknown_meeting", "no meeting '" + meetingId + "'");
  }

  /** The token's role on the meeting: one of its own, else one of its series'. */
  private Future<Optional<Role>> roleOn(Map<String, String> record, String token) {
    Optional<Role> own = Tokens.roleIn(record, token);
    String seriesId = record.get("series");
    if (own.isPresent() || seriesId == null) {
      return Future.succeededFuture(own);
    }
    return series
        .get(seriesId)
        .map(found -> found.flatMap(seriesRecord -> Tokens.roleIn(seriesRecord, token)));
  }

  private static Future<Access> withRole(Map<String, String> record, Role role, Role required) {
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
    return Future.succeededFuture(new Access(record, role));
  }

  /** A token that does not open this meeting: someone else's (403), or nobody's (401). */
  private Future<Access> notTheirs(String token) {
    return records
        .findToken(Tokens.hash(token))
        .compose(
            other ->
                Future.failedFuture(
                    other.isEmpty()
                        ? new MeetingException(
                            Kind.UNAUTHORIZED, "invalid_token", "the token is not valid")
                        : other.get().startsWith(SeriesRecords.TOKEN_PREFIX)
                            ? new MeetingException(
                                Kind.FORBIDDEN,
                                "wrong_series",
                                "this token belongs to another series")
                            : new MeetingException(
                                Kind.FORBIDDEN,
                                "wrong_meeting",
                                "this token belongs to another meeting")));
  }

  /**
   * The sync endpoint's grant for a token: a meeting token opens its meeting's document, a series
   * token the documents of every meeting of its series (asked per document, so a call started later
   * is included).
   */
  Future<AccessGrant> grant(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new AccessDenied(401, "a token is required (?token=...)"));
    }
    return records
        .findToken(Tokens.hash(token))
        .compose(
            entry -> {
              if (entry.isEmpty()) {
                return unknownToken();
              }
              String[] parts = entry.get().split(" ", 2);
              Role role = Role.fromLabel(parts[1]);
              return parts[0].startsWith(SeriesRecords.TOKEN_PREFIX)
                  ? seriesGrant(
                      parts[0].substring(SeriesRecords.TOKEN_PREFIX.length()), token, role)
                  : meetingGrant(parts[0], token, role);
            });
  }

  private Future<AccessGrant> meetingGrant(String meetingId, String token, Role role) {
    return records
        .get(meetingId)
        .compose(
            record ->
                granted(
                    record,
                    token,
                    role,
                    r ->
                        AccessGrant.single(
                            r.get("documentId"),
                            role.mayWrite(),
                            "meeting " + meetingId + " as " + role.label())));
  }

  private Future<AccessGrant> seriesGrant(String seriesId, String token, Role role) {
    DocumentScope scope =
        documentId ->
            records.field(documentId, "series").map(found -> found.equals(Optional.of(seriesId)));
    return series
        .get(seriesId)
        .compose(
            record ->
                granted(
                    record,
                    token,
                    role,
                    r ->
                        new AccessGrant(
                            scope, role.mayWrite(), "series " + seriesId + " as " + role.label())));
  }

  /**
   * The grant when the record (of the meeting or series the token index names) still holds the
   * token's hash for that role, compared in constant time; else the token is unknown.
   */
  private static Future<AccessGrant> granted(
      Optional<Map<String, String>> record,
      String token,
      Role role,
      Function<Map<String, String>, AccessGrant> grant) {
    return record
        .filter(r -> Tokens.matches(token, r.get("token:" + role.label())))
        .map(r -> Future.succeededFuture(grant.apply(r)))
        .orElseGet(MeetingAccess::unknownToken);
  }

  private static Future<AccessGrant> unknownToken() {
    return Future.failedFuture(new AccessDenied(401, "unknown token"));
  }
}
