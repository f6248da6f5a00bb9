package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.redisson.api.RScript;
import org.redisson.api.RSet;
import org.redisson.client.codec.StringCodec;

/**
 * Meeting records in Redis: one hash per meeting, a token index (hash of token → meeting and role),
 * the close lease, the write-once record of a close's frozen state, and the steps that finalise a
 * close and enqueue its publish jobs. The meeting module decides what the fields mean; this class
 * only keeps them safely.
 *
 * <p>Keys: {@code <prefix>meeting:{id}} (hash), {@code <prefix>token:<sha256>} (string "meetingId
 * role", or "series:seriesId role" for a series' token, see {@link SeriesRecords}), {@code
 * <prefix>meeting:{id}:lease} (string with expiry), {@code <prefix>closes-unfinished} (set of the
 * meetings whose close was asked for and has not finished), and the outbox stream ({@link
 * PublishKeys#outbox()}). Reopening also removes the document's write gate ({@link
 * RedisKeys#gate}), which shares the meeting id's hash tag (a meeting's id is its document's).
 */
public final class MeetingRecords {
  /** KEYS[1] meeting; ARGV field/value pairs. Returns 1 when created, 0 when the id is taken. */
  private static final String CREATE =
      """
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return 0
      end
      for i = 1, #ARGV, 2 do
        redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
      end
      return 1
      """;

  /** KEYS[1] outbox; ARGV jobs. */
  private static final String ENQUEUE =
      """
      for i = 1, #ARGV do
        redis.call('XADD', KEYS[1], '*', 'job', ARGV[i])
      end
      return #ARGV
      """;

  /**
   * KEYS[1] meeting; ARGV[1] closed JSON, ARGV[2] final markdown, ARGV[3] revision, ARGV[4]
   * published file name, ARGV[5] published permalink.
   */
  private static final String FINALIZE =
      """
      if redis.call('HGET', KEYS[1], 'status') == 'closed' then
        return 0
      end
      redis.call('HSET', KEYS[1], 'status', 'closed', 'closed', ARGV[1], 'final', ARGV[2],
        'revision', ARGV[3], 'publishedName', ARGV[4], 'publishedPermalink', ARGV[5])
      return 1
      """;

  /**
   * KEYS[1] meeting, KEYS[2] close lease, KEYS[3] the document's write gate (all three share the
   * meeting id's hash tag); ARGV[1] time, ARGV[2] who. Returns -1 unknown meeting, 0 not closed,
   * else the revision that stays published. The final minutes and the {@code closed} map of that
   * revision stay readable as {@code final:<revision>} and {@code closed:<revision>}; the frozen
   * state of the close goes, so that the next close freezes anew.
   */
  private static final String REOPEN =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      if redis.call('HGET', KEYS[1], 'status') ~= 'closed' then
        return 0
      end
      local revision = redis.call('HGET', KEYS[1], 'revision') or '1'
      for _, field in ipairs({'final', 'closed'}) do
        local value = redis.call('HGET', KEYS[1], field)
        if value then
          redis.call('HSET', KEYS[1], field .. ':' .. revision, value)
        end
      end
      redis.call('HDEL', KEYS[1], 'final', 'closed', 'frozenHeads', 'closedAt', 'closedBy',
        'closingChange', 'closingHead')
      redis.call('HSET', KEYS[1], 'status', 'open', 'revision', revision, 'reopenedAt', ARGV[1],
        'reopenedBy', ARGV[2])
      redis.call('DEL', KEYS[2], KEYS[3])
      return tonumber(revision)
      """;

  /**
   * KEYS[1] meeting; ARGV field/value pairs. Records the frozen state of a close once: the first
   * caller's pairs win, later callers (a retry after a crash, a second closer after the lease
   * expired) change nothing and must reuse what is stored.
   */
  private static final String BEGIN_CLOSE =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      if redis.call('HEXISTS', KEYS[1], 'frozenHeads') == 1 or redis.call('HGET', KEYS[1], 'status') == 'closed' then
        return 0
      end
      for i = 1, #ARGV, 2 do
        redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
      end
      redis.call('HSET', KEYS[1], 'status', 'closing')
      return 1
      """;

  private final RedisConnection connection;

  public MeetingRecords(RedisConnection connection) {
    this.connection = connection;
  }

  /**
   * Creates the meeting hash with the given fields, then indexes each token hash ({@code
   * tokenRoles}: token hash → role label). Returns false, indexing nothing, if the id is taken.
   *
   * <p>The tokens are indexed after the meeting exists, each in a step of its own ({@link
   * TokenIndex}).
   */
  public Future<Boolean> create(
      String meetingId, Map<String, String> fields, Map<String, String> tokenRoles) {
    List<Object> args = Scripts.pairs(fields);
    args.add("id");
    args.add(meetingId);
    return evalDurably(
            CREATE,
            RScript.ReturnType.INTEGER,
            List.of(meetingKey(meetingId)),
            args.toArray(),
            "create meeting")
        .compose(
            result -> {
              if ((Long) result != 1L) {
                return Future.succeededFuture(false);
              }
              return TokenIndex.index(connection, meetingId, tokenRoles).map(true);
            });
  }

  /** Every field of the meeting, empty when unknown. */
  public Future<Optional<Map<String, String>>> get(String meetingId) {
    return Scripts.readRecord(connection, meetingKey(meetingId), "read meeting");
  }

  /** One field of the meeting, empty when the meeting or the field is unknown. */
  public Future<Optional<String>> field(String meetingId, String field) {
    return RedisFutures.toVertx(
            connection
                .client()
                .<String, String>getMap(meetingKey(meetingId), StringCodec.INSTANCE)
                .getAsync(field),
            context(),
            "read meeting field")
        .map(Optional::ofNullable);
  }

  /**
   * "meetingId role" for a token hash ("series:seriesId role" for a series' token), empty when
   * nobody has it.
   */
  public Future<Optional<String>> findToken(String tokenHash) {
    return RedisFutures.toVertx(
            connection
                .client()
                .<String>getBucket(tokenKey(tokenHash), StringCodec.INSTANCE)
                .getAsync(),
            context(),
            "find token")
        .map(Optional::ofNullable);
  }

  /**
   * Stores the frozen state of a close (and status "closing") unless one is stored already. Returns
   * true when these fields were stored, false when an earlier call's fields stay.
   */
  public Future<Boolean> beginClose(String meetingId, Map<String, String> frozenFields) {
    List<Object> args = Scripts.pairs(frozenFields);
    return eval(
            BEGIN_CLOSE,
            RScript.ReturnType.INTEGER,
            List.of(meetingKey(meetingId)),
            args.toArray(),
            "begin close")
        .map(result -> ((Long) result) == 1L);
  }

  /**
   * Gives the close lease back early (after a failed close) so that a retry need not wait for it to
   * expire.
   */
  public Future<Void> releaseCloseLease(String meetingId, String owner) {
    return Lease.release(connection, leaseKey(meetingId), owner);
  }

  /**
   * Notes that a close of the meeting was asked for, before any of its steps: until {@link
   * #closeFinished} a node that finds it unfinished carries it out ({@code MeetingCloser}).
   */
  public Future<Void> closeAsked(String meetingId) {
    return RedisFutures.toVertx(
            unfinishedCloses().addAsync(meetingId), context(), "note close asked")
        .mapEmpty();
  }

  /** The meeting's close is done (or the meeting is gone): nothing is left to finish. */
  public Future<Void> closeFinished(String meetingId) {
    return RedisFutures.toVertx(
            unfinishedCloses().removeAsync(meetingId), context(), "note close finished")
        .mapEmpty();
  }

  /** The meetings whose close was asked for and not noted finished. */
  public Future<Set<String>> unfinishedCloseIds() {
    return RedisFutures.toVertx(
        unfinishedCloses().readAllAsync(), context(), "read unfinished closes");
  }

  private RSet<String> unfinishedCloses() {
    return connection.client().getSet(connection.keys().unfinishedCloses(), StringCodec.INSTANCE);
  }

  /** The exclusive right to run a close for {@code ttl}; true for the one caller that got it. */
  public Future<Boolean> acquireCloseLease(String meetingId, String owner, Duration ttl) {
    return Lease.acquire(connection, leaseKey(meetingId), owner, ttl);
  }

  /**
   * Enqueues the publish jobs, then marks the meeting closed and stores its final minutes, the
   * revision they are and the name they are published under. Returns false (and enqueues nothing)
   * if it was already closed.
   *
   * <p>Two steps, since the outbox lives in another slot of a Redis Cluster than the meeting, in
   * this order so that a crash between them loses no publication: the close is then run again (the
   * meeting is not closed yet) and enqueues the same jobs again, whose ids the outbox knows already
   * (a job id is the meeting, the target and the frozen close time), so each is delivered once.
   */
  public Future<Boolean> finalizeClose(
      String meetingId,
      String closedJson,
      String finalMarkdown,
      Published published,
      List<String> jobs) {
    return field(meetingId, "status")
        .compose(
            status -> {
              if (status.filter("closed"::equals).isPresent()) {
                return Future.succeededFuture(false);
              }
              Future<Object> enqueued =
                  jobs.isEmpty()
                      ? Future.succeededFuture()
                      : evalDurably(
                          ENQUEUE,
                          RScript.ReturnType.INTEGER,
                          List.of(outboxKey()),
                          jobs.toArray(),
                          "enqueue publish jobs");
              return enqueued
                  .compose(
                      v ->
                          evalDurably(
                              FINALIZE,
                              RScript.ReturnType.INTEGER,
                              List.of(meetingKey(meetingId)),
                              new Object[] {
                                closedJson,
                                finalMarkdown,
                                Integer.toString(published.revision()),
                                published.fileName(),
                                published.permalink()
                              },
                              "finalize close"))
                  .map(result -> ((Long) result) == 1L);
            });
  }

  /**
   * How a close publishes: which revision, under which file name and permalink.
   *
   * @param revision 1 for the first close, one more for each correction
   * @param fileName the published file name, {@code <updated>.md} or {@code <updated>-<n>.md}
   * @param permalink the published permalink, suffixed as the file name is
   */
  public record Published(int revision, String fileName, String permalink) {}

  /** How a reopen ended. */
  public enum Reopened {
    REOPENED,
    NOT_CLOSED,
    UNKNOWN_MEETING
  }

  /**
   * Opens a closed meeting again, atomically: status open, the write gate gone, the close lease and
   * frozen state cleared, the published revision's final minutes kept under {@code
   * final:<revision>}.
   */
  public Future<Reopened> reopen(String meetingId, String at, String by) {
    return evalDurably(
            REOPEN,
            RScript.ReturnType.INTEGER,
            List.of(meetingKey(meetingId), leaseKey(meetingId), connection.keys().gate(meetingId)),
            new Object[] {at, by},
            "reopen meeting")
        .map(
            result -> {
              long value = (Long) result;
              return value > 0
                  ? Reopened.REOPENED
                  : value == 0 ? Reopened.NOT_CLOSED : Reopened.UNKNOWN_MEETING;
            });
  }

  /** The stream holding publish jobs (the outbox). */
  public String outboxKey() {
    return connection.publishKeys().outbox();
  }

  private String meetingKey(String meetingId) {
    return connection.keys().meeting(meetingId);
  }

  private String leaseKey(String meetingId) {
    return connection.keys().meetingLease(meetingId);
  }

  private String tokenKey(String tokenHash) {
    return connection.keys().token(tokenHash);
  }

  private Future<Object> eval(
      String script, RScript.ReturnType type, List<Object> keys, Object[] args, String what) {
    return Scripts.eval(connection, script, type, keys, args, what);
  }

  private Future<Object> evalDurably(
      String script, RScript.ReturnType type, List<Object> keys, Object[] args, String what) {
    return Scripts.evalDurably(connection, script, type, keys, args, what);
  }

  private Context context() {
    return connection.vertx().getOrCreateContext();
  }
}
