package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.api.StreamMessageId;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.client.codec.StringCodec;

/**
 * The publish jobs in Redis: the outbox stream that {@link MeetingRecords#finalizeClose} fills, and
 * one record per job that the delivery workers of all nodes share. This class only keeps jobs
 * safely; what a delivery is and when to retry it is the publish module's business.
 *
 * <p>A job string (the {@code job} field of an outbox entry) is a JSON object with at least the
 * string fields {@code id}, {@code meetingId}, {@code target} and {@code location}; the whole
 * string is kept as the record's {@code payload}.
 *
 * <p>Keys (all under the connection's prefix; the names on one server, see {@link PublishKeys} for
 * the cluster's, which share one hash tag):
 *
 * <ul>
 *   <li>{@code outbox}: the stream, read through the consumer group {@value #GROUP}.
 *   <li>{@code publish:{<jobId>}}: hash per job: {@code id, meetingId, target, location, path,
 *       permalink, revision} (the last three when the job names them), {@code state} ({@code
 *       pending}/{@code delivered}/{@code failed}), {@code attempts, lastError, enqueuedAt,
 *       firstAttemptAt, lastAttemptAt, nextAttemptAt, deliveredAt, failedAt} (epoch milliseconds),
 *       {@code claim} (fencing counter), {@code owner} (node holding the lease) and {@code payload}
 *       (dropped once delivered).
 *   <li>{@code publish:meeting:{<meetingId>}}: set of the meeting's job ids.
 *   <li>{@code publish:due}: sorted set of pending job ids by the time they may next be attempted.
 *       A claimed job's score is its lease expiry, so a job whose node died comes due again.
 *   <li>{@code publish:pending}: sorted set of pending job ids by enqueue time (depth and age).
 *   <li>{@code publish:failed}: sorted set of dead-lettered job ids by failure time.
 * </ul>
 *
 * <p>Guarantees: each outbox entry becomes exactly one job record, because one Lua script reads it
 * through the consumer group, writes the record and acknowledges and deletes the entry atomically
 * (so no entry ever waits in a dead node's pending list). A due job is claimed by exactly one
 * caller until its lease expires, and an outcome is recorded only by the holder of the latest
 * claim: a node that outlived its lease cannot overwrite what the new holder did.
 */
public final class PublishOutbox {
  /** The consumer group of the outbox stream. */
  public static final String GROUP = "publish";

  /**
   * Reading and acknowledging happen in one atomic script, so entries never stay pending for a
   * consumer; one shared consumer name keeps the group from collecting a consumer per node start.
   */
  private static final String CONSUMER = "ingest";

  /** Fields reported by {@link #jobsOfMeeting} and {@link #failed}: everything but the payload. */
  public static final List<String> VISIBLE_FIELDS =
      List.of(
          "id",
          "meetingId",
          "target",
          "location",
          "path",
          "permalink",
          "revision",
          "state",
          "attempts",
          "lastError",
          "enqueuedAt",
          "firstAttemptAt",
          "lastAttemptAt",
          "nextAttemptAt",
          "deliveredAt",
          "failedAt");

  /**
   * KEYS: outbox, due, pending, failed. ARGV: group, consumer, count, now, job key prefix and
   * suffix, meeting index prefix and suffix. Returns entries turned into jobs. Fails with NOGROUP
   * when the consumer group does not exist (see {@link #ingest}).
   */
  private static final String INGEST =
      """
      local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
      if not reply then
        return 0
      end
      local created = 0
      for _, entry in ipairs(reply[1][2]) do
        local entryId, fields = entry[1], entry[2]
        local payload = ''
        for i = 1, #fields, 2 do
          if fields[i] == 'job' then
            payload = fields[i + 1]
          end
        end
        local ok, job = pcall(cjson.decode, payload)
        local valid = ok and type(job) == 'table'
        for _, name in ipairs({'id', 'meetingId', 'target', 'location'}) do
          valid = valid and type(job[name]) == 'string'
        end
        if valid and not string.find(job.id, '[{}]') and not string.find(job.meetingId, '[{}]') then
          local key = ARGV[5] .. job.id .. ARGV[6]
          if redis.call('EXISTS', key) == 0 then
            redis.call('HSET', key, 'id', job.id, 'meetingId', job.meetingId, 'target', job.target,
              'location', job.location, 'state', 'pending', 'attempts', '0',
              'enqueuedAt', ARGV[4], 'nextAttemptAt', ARGV[4], 'claim', '0', 'payload', payload)
            for _, name in ipairs({'path', 'permalink', 'revision'}) do
              if type(job[name]) == 'string' then
                redis.call('HSET', key, name, job[name])
              end
            end
            redis.call('SADD', ARGV[7] .. job.meetingId .. ARGV[8], job.id)
            redis.call('ZADD', KEYS[2], ARGV[4], job.id)
            redis.call('ZADD', KEYS[3], ARGV[4], job.id)
            created = created + 1
          end
        else
          local id = 'malformed-' .. entryId
          redis.call('HSET', ARGV[5] .. id .. ARGV[6], 'id', id, 'meetingId', '', 'target', 'unknown',
            'location', '', 'state', 'failed', 'attempts', '0',
            'lastError', 'malformed outbox entry', 'enqueuedAt', ARGV[4], 'failedAt', ARGV[4], 'payload', payload)
          redis.call('ZADD', KEYS[4], ARGV[4], id)
        end
        redis.call('XACK', KEYS[1], ARGV[1], entryId)
        redis.call('XDEL', KEYS[1], entryId)
      end
      return created
      """;

  /**
   * KEYS: due, pending, outbox. ARGV: now, lease until, count, owner, job key prefix and suffix.
   * Returns {depth, oldest enqueue time or '', next due time or '', job1 fields (flat), job2
   * fields, ...}.
   */
  private static final String CLAIM =
      """
      local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
      local claimed = {}
      for _, id in ipairs(ids) do
        local key = ARGV[5] .. id .. ARGV[6]
        if redis.call('HGET', key, 'state') == 'pending' then
          redis.call('ZADD', KEYS[1], ARGV[2], id)
          redis.call('HINCRBY', key, 'claim', 1)
          redis.call('HSET', key, 'owner', ARGV[4])
          table.insert(claimed, redis.call('HGETALL', key))
        else
          redis.call('ZREM', KEYS[1], id)
          redis.call('ZREM', KEYS[2], id)
        end
      end
      local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      local nextDue = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
      local result = {tostring(redis.call('ZCARD', KEYS[2]) + redis.call('XLEN', KEYS[3])), oldest[2] or '',
        nextDue[2] or ''}
      for _, fields in ipairs(claimed) do
        table.insert(result, fields)
      end
      return result
      """;

  /**
   * KEYS: job, due, pending, failed. ARGV: claim, outcome (delivered/retry/failed), now, attempts,
   * error ('' keeps the last one), next attempt, first attempt, job id. Returns 1, or 0 when the
   * claim is no longer the caller's.
   */
  private static final String FINISH =
      """
      if redis.call('HGET', KEYS[1], 'claim') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'state') ~= 'pending' then
        return 0
      end
      redis.call('HSET', KEYS[1], 'attempts', ARGV[4], 'lastAttemptAt', ARGV[3], 'firstAttemptAt', ARGV[7])
      redis.call('HDEL', KEYS[1], 'owner')
      if ARGV[5] ~= '' then
        redis.call('HSET', KEYS[1], 'lastError', ARGV[5])
      end
      if ARGV[2] == 'delivered' then
        redis.call('HSET', KEYS[1], 'state', 'delivered', 'deliveredAt', ARGV[3])
        redis.call('HDEL', KEYS[1], 'payload', 'nextAttemptAt')
        redis.call('ZREM', KEYS[2], ARGV[8])
        redis.call('ZREM', KEYS[3], ARGV[8])
      elseif ARGV[2] == 'retry' then
        redis.call('HSET', KEYS[1], 'nextAttemptAt', ARGV[6])
        redis.call('ZADD', KEYS[2], ARGV[6], ARGV[8])
      else
        redis.call('HSET', KEYS[1], 'state', 'failed', 'failedAt', ARGV[3])
        redis.call('HDEL', KEYS[1], 'nextAttemptAt')
        redis.call('ZREM', KEYS[2], ARGV[8])
        redis.call('ZREM', KEYS[3], ARGV[8])
        redis.call('ZADD', KEYS[4], ARGV[3], ARGV[8])
      end
      return 1
      """;

  /**
   * KEYS: job, due, pending, failed. ARGV: now, job id. Returns 1 re-queued, 0 unknown job, -1 not
   * failed (or delivered, payload gone). Re-queuing restarts the job's give-up window.
   */
  private static final String REQUEUE =
      """
      local state = redis.call('HGET', KEYS[1], 'state')
      if not state then
        return 0
      end
      if state ~= 'failed' or redis.call('HEXISTS', KEYS[1], 'payload') == 0 then
        return -1
      end
      redis.call('HSET', KEYS[1], 'state', 'pending', 'nextAttemptAt', ARGV[1])
      redis.call('HDEL', KEYS[1], 'failedAt', 'firstAttemptAt', 'owner')
      redis.call('ZREM', KEYS[4], ARGV[2])
      redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
      redis.call('ZADD', KEYS[3], ARGV[1], ARGV[2])
      return 1
      """;

  /**
   * KEYS: the jobs' hashes. ARGV: field names. Returns one value list per job (missing jobs: empty
   * list).
   */
  private static final String READ_JOBS =
      """
      local result = {}
      for i = 1, #KEYS do
        if redis.call('EXISTS', KEYS[i]) == 1 then
          table.insert(result, redis.call('HMGET', KEYS[i], unpack(ARGV)))
        else
          table.insert(result, {})
        end
      end
      return result
      """;

  private final RedisConnection connection;
  private final PublishKeys keys;

  public PublishOutbox(RedisConnection connection) {
    this.connection = connection;
    this.keys = connection.publishKeys();
  }

  /** The result of one claim: queue statistics and the jobs this caller now holds. */
  public record Claim(
      long depth,
      Optional<Instant> oldestEnqueued,
      Optional<Instant> nextDue,
      List<Map<String, String>> jobs) {}

  /** How a re-queue request ended. */
  public enum Requeue {
    REQUEUED,
    UNKNOWN_JOB,
    NOT_FAILED
  }

  /**
   * Creates the outbox stream's consumer group (and the stream) unless it exists. Once per start is
   * enough; {@link #ingest} also creates it when it finds it missing (keys deleted, a Redis that
   * lost its data).
   */
  public Future<Void> prepare() {
    return RedisFutures.toVertx(
            connection
                .client()
                .getStream(outboxKey(), StringCodec.INSTANCE)
                .createGroupAsync(
                    StreamCreateGroupArgs.name(GROUP).id(StreamMessageId.ALL).makeStream()),
            context(),
            "create the outbox consumer group")
        .recover(
            failure ->
                String.valueOf(failure.getMessage()).contains("BUSYGROUP")
                    ? Future.succeededFuture()
                    : Future.failedFuture(failure));
  }

  /**
   * Turns up to {@code max} new outbox entries into pending jobs due now. Returns how many were
   * created.
   */
  public Future<Long> ingest(Instant now, int max) {
    return ingestOnce(now, max)
        .recover(
            failure ->
                String.valueOf(failure.getMessage()).contains("NOGROUP")
                    ? prepare().compose(v -> ingestOnce(now, max))
                    : Future.failedFuture(failure));
  }

  private Future<Long> ingestOnce(Instant now, int max) {
    return eval(
            INGEST,
            RScript.ReturnType.INTEGER,
            List.of(outboxKey(), dueKey(), pendingKey(), failedKey()),
            List.of(
                GROUP,
                CONSUMER,
                Integer.toString(max),
                millis(now),
                keys.jobPrefix(),
                keys.jobSuffix(),
                keys.meetingPrefix(),
                keys.meetingSuffix()),
            "ingest publish jobs")
        .map(Long.class::cast);
  }

  /**
   * Claims up to {@code max} jobs due at {@code now} for {@code owner}: nobody else gets them
   * before {@code leaseUntil}. Each returned job map holds the record's fields, {@code claim} being
   * the token to pass to {@link #finish}.
   */
  public Future<Claim> claimDue(Instant now, Instant leaseUntil, int max, String owner) {
    return eval(
            CLAIM,
            RScript.ReturnType.MULTI,
            List.of(dueKey(), pendingKey(), outboxKey()),
            List.of(
                millis(now),
                millis(leaseUntil),
                Integer.toString(max),
                owner,
                keys.jobPrefix(),
                keys.jobSuffix()),
            "claim publish jobs")
        .map(
            reply -> {
              List<?> list = (List<?>) reply;
              List<Map<String, String>> jobs = new ArrayList<>();
              for (Object fields : list.subList(3, list.size())) {
                jobs.add(pairs((List<?>) fields));
              }
              return new Claim(
                  Long.parseLong(String.valueOf(list.get(0))),
                  instant(list.get(1)),
                  instant(list.get(2)),
                  jobs);
            });
  }

  /** The outcome of one attempt; recorded only while {@code claim} is still the latest claim. */
  public record Outcome(
      String kind,
      Instant at,
      int attempts,
      String error,
      Instant nextAttempt,
      Instant firstAttempt) {
    public static Outcome delivered(Instant at, int attempts, Instant firstAttempt) {
      return new Outcome("delivered", at, attempts, "", at, firstAttempt);
    }

    public static Outcome retry(
        Instant at, int attempts, String error, Instant next, Instant firstAttempt) {
      return new Outcome("retry", at, attempts, error, next, firstAttempt);
    }

    public static Outcome failed(Instant at, int attempts, String error, Instant firstAttempt) {
      return new Outcome("failed", at, attempts, error, at, firstAttempt);
    }
  }

  /**
   * Records an attempt's outcome. False when the claim was lost (the lease expired and another node
   * took the job).
   */
  public Future<Boolean> finish(String jobId, String claim, Outcome outcome) {
    return eval(
            FINISH,
            RScript.ReturnType.INTEGER,
            List.of(jobKey(jobId), dueKey(), pendingKey(), failedKey()),
            List.of(
                claim,
                outcome.kind(),
                millis(outcome.at()),
                Integer.toString(outcome.attempts()),
                outcome.error() == null ? "" : outcome.error(),
                millis(outcome.nextAttempt()),
                millis(outcome.firstAttempt()),
                jobId),
            "record publish outcome")
        .map(result -> ((Long) result) == 1L);
  }

  /** The visible fields of every job of a meeting; empty when it has none (yet). */
  public Future<List<Map<String, String>>> jobsOfMeeting(String meetingId) {
    return RedisFutures.toVertx(
            connection
                .client()
                .<String>getSet(meetingIndexKey(meetingId), StringCodec.INSTANCE)
                .readAllAsync(),
            context(),
            "read publish jobs of a meeting")
        .compose(ids -> readJobs(List.copyOf(ids)));
  }

  /** Dead-lettered jobs, most recent failure first. */
  public Future<List<Map<String, String>>> failed(int limit) {
    return RedisFutures.toVertx(
            connection
                .client()
                .<String>getScoredSortedSet(failedKey(), StringCodec.INSTANCE)
                .valueRangeReversedAsync(0, limit - 1),
            context(),
            "list failed publish jobs")
        .compose(ids -> readJobs(List.copyOf(ids)));
  }

  /** Puts a failed job back in the queue, due now. */
  public Future<Requeue> requeue(String jobId, Instant now) {
    if (jobId.contains("{") || jobId.contains("}")) {
      return Future.succeededFuture(Requeue.UNKNOWN_JOB);
    }
    return eval(
            REQUEUE,
            RScript.ReturnType.INTEGER,
            List.of(jobKey(jobId), dueKey(), pendingKey(), failedKey()),
            List.of(millis(now), jobId),
            "re-queue publish job")
        .map(
            result ->
                switch (((Long) result).intValue()) {
                  case 1 -> Requeue.REQUEUED;
                  case 0 -> Requeue.UNKNOWN_JOB;
                  default -> Requeue.NOT_FAILED;
                });
  }

  private Future<List<Map<String, String>>> readJobs(List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Object> keys = new ArrayList<>();
    ids.forEach(id -> keys.add(jobKey(id)));
    return eval(
            READ_JOBS,
            RScript.ReturnType.MULTI,
            keys,
            List.copyOf(VISIBLE_FIELDS),
            "read publish jobs")
        .map(
            reply -> {
              List<Map<String, String>> jobs = new ArrayList<>();
              for (Object values : (List<?>) reply) {
                List<?> list = (List<?>) values;
                if (list.isEmpty()) {
                  continue;
                }
                Map<String, String> job = new HashMap<>();
                for (int i = 0; i < VISIBLE_FIELDS.size() && i < list.size(); i++) {
                  if (list.get(i) != null) {
                    job.put(VISIBLE_FIELDS.get(i), String.valueOf(list.get(i)));
                  }
                }
                jobs.add(job);
              }
              return jobs;
            });
  }

  private static Map<String, String> pairs(List<?> flat) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
    }
    return map;
  }

  private static Optional<Instant> instant(Object score) {
    String text = score == null ? "" : String.valueOf(score);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochMilli((long) Double.parseDouble(text)));
  }

  private static String millis(Instant instant) {
    return Long.toString(instant.toEpochMilli());
  }

  private String outboxKey() {
    return keys.outbox();
  }

  private String jobKey(String jobId) {
    return keys.job(jobId);
  }

  private String meetingIndexKey(String meetingId) {
    return keys.meeting(meetingId);
  }

  private String dueKey() {
    return keys.due();
  }

  private String pendingKey() {
    return keys.pending();
  }

  private String failedKey() {
    return keys.failed();
  }

  private Future<Object> eval(
      String script, RScript.ReturnType type, List<Object> keys, List<String> args, String what) {
    RScript rscript = connection.client().getScript(StringCodec.INSTANCE);
    return RedisFutures.toVertx(
        rscript.evalAsync(RScript.Mode.READ_WRITE, script, type, keys, args.toArray()),
        context(),
        what);
  }

  private Context context() {
    return connection.vertx().getOrCreateContext();
  }
}
