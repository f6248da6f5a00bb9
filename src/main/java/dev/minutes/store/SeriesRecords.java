package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * Series records in Redis: one hash per series, the list of its meetings in the order they were
 * started, and the short lease that lets one request at a time start a call. The series module
 * decides what the fields mean; this class only keeps them safely.
 *
 * <p>Keys: {@code <prefix>series:{id}} (hash), {@code <prefix>series:{id}:meetings} (list of
 * meeting ids, oldest first), {@code <prefix>series:{id}:starting} (string with expiry), and the
 * token index shared with meetings, {@code <prefix>token:<sha256>} → {@code "series:<id> <role>"}
 * (see {@link RedisKeys}). Every script touches one key, so each step is atomic on any Redis, a
 * cluster included. Starting a call spans the series and the new meeting, which live in different
 * slots: the meeting is created first, then joins the series' list only if no other call joined
 * meanwhile, so a crash in between leaves a meeting no one was told of and the series unchanged.
 */
public final class SeriesRecords {
  /** The token index value's prefix that tells a series' token from a meeting's. */
  public static final String TOKEN_PREFIX = "series:";

  /** KEYS[1] series; ARGV field/value pairs. Returns 1 when created, 0 when the id is taken. */
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

  /**
   * KEYS[1] the series' meetings; ARGV[1] the newest meeting the caller saw ('' = none), ARGV[2]
   * the new meeting. Appends only if the newest is still the one seen.
   */
  private static final String APPEND =
      """
      local newest = redis.call('LINDEX', KEYS[1], -1) or ''
      if newest ~= ARGV[1] then
        return 0
      end
      redis.call('RPUSH', KEYS[1], ARGV[2])
      return 1
      """;

  private final RedisConnection connection;

  public SeriesRecords(RedisConnection connection) {
    this.connection = connection;
  }

  /**
   * Creates the series hash, then indexes each token hash ({@code tokenRoles}: hash → role label).
   * Returns false, indexing nothing, if the id is taken.
   */
  public Future<Boolean> create(
      String seriesId, Map<String, String> fields, Map<String, String> tokenRoles) {
    List<Object> args = Scripts.pairs(fields);
    args.add("id");
    args.add(seriesId);
    return eval(
            CREATE,
            RScript.ReturnType.INTEGER,
            List.of(seriesKey(seriesId)),
            args.toArray(),
            "create series")
        .compose(
            created -> {
              if ((Long) created != 1L) {
                return Future.succeededFuture(false);
              }
              return TokenIndex.index(connection, TOKEN_PREFIX + seriesId, tokenRoles).map(true);
            });
  }

  /** Every field of the series, empty when unknown. */
  public Future<Optional<Map<String, String>>> get(String seriesId) {
    return Scripts.readRecord(connection, seriesKey(seriesId), "read series");
  }

  /** The series' meeting ids, oldest first. */
  public Future<List<String>> meetings(String seriesId) {
    return RedisFutures.toVertx(
        connection
            .client()
            .<String>getList(meetingsKey(seriesId), StringCodec.INSTANCE)
            .readAllAsync(),
        context(),
        "read series meetings");
  }

  /**
   * Adds {@code meetingId} as the series' newest meeting if {@code newestSeen} (null: none) is
   * still the newest. False when another call was started meanwhile.
   */
  public Future<Boolean> append(String seriesId, String newestSeen, String meetingId) {
    return eval(
            APPEND,
            RScript.ReturnType.INTEGER,
            List.of(meetingsKey(seriesId)),
            new Object[] {newestSeen == null ? "" : newestSeen, meetingId},
            "add series meeting")
        .map(result -> (Long) result == 1L);
  }

  /**
   * The right to start a call of the series for {@code ttl}; true for the one caller that got it.
   */
  public Future<Boolean> acquireStartLease(String seriesId, String owner, Duration ttl) {
    return Lease.acquire(connection, leaseKey(seriesId), owner, ttl);
  }

  /** Gives the start lease back (it also expires by itself). */
  public Future<Void> releaseStartLease(String seriesId, String owner) {
    return Lease.release(connection, leaseKey(seriesId), owner);
  }

  private String seriesKey(String seriesId) {
    return connection.keys().series(seriesId);
  }

  private String meetingsKey(String seriesId) {
    return connection.keys().seriesMeetings(seriesId);
  }

  private String leaseKey(String seriesId) {
    return connection.keys().seriesStartLease(seriesId);
  }

  /** Creating a series and adding a call are told to a client: as durable as configured. */
  private Future<Object> eval(
      String script, RScript.ReturnType type, List<Object> keys, Object[] args, String what) {
    return Scripts.evalDurably(connection, script, type, keys, args, what);
  }

  private Context context() {
    return connection.vertx().getOrCreateContext();
  }
}
