package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.Redisson;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisAuthRequiredException;
import org.redisson.client.RedisWrongPasswordException;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redisson client for one Redis deployment (a server, a Sentinel-watched primary with replicas,
 * or a Cluster) plus the key prefix all store objects built on it use.
 *
 * <p>Redisson itself is asynchronous, but creating and shutting down the client block (they open
 * connections and wait for Netty threads), so {@link #connect} and {@link #close} run on a worker
 * thread.
 *
 * <p>Redisson reconnects by itself after an outage (with jittered back-off), follows a failover
 * (Sentinel: the new primary the Sentinels name; Cluster: the new slot map) and re-subscribes
 * pub/sub channels; commands issued meanwhile fail with {@link StoreException.Reason#UNAVAILABLE}
 * once their retries are exhausted.
 */
public final class RedisConnection {

  private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

  /**
   * Shutdown waits for in-flight commands at most this long; there is no quiet period to sit
   * through.
   */
  private static final long SHUTDOWN_TIMEOUT_MS = 2_000;

  /** Keys per SCAN page, a hint to Redis; also bounds the size of each DEL. */
  private static final int SCAN_PAGE = 500;

  private final Vertx vertx;
  private final RedissonClient client;
  private final RedisKeys keys;
  private final RedisTopology topology;
  private final DurableWrites durableWrites;
  private final RedisPrimaries primaries;

  /** Why the last readiness check failed; null when it passed (or none ran yet). */
  private final AtomicReference<String> lastReadinessProblem = new AtomicReference<>();

  private RedisConnection(
      Vertx vertx, RedissonClient client, RedisKeys keys, RedisTopology topology, int minReplicas) {
    this.vertx = vertx;
    this.client = client;
    this.keys = keys;
    this.topology = topology;
    this.durableWrites = new DurableWrites(client, minReplicas);
    this.primaries = new RedisPrimaries(client, topology);
  }

  /**
   * Connects to one Redis server at {@code url} ({@code redis://[user:pass@]host:port[/db]} or
   * {@code rediss://...}), acknowledging writes without waiting for replicas.
   */
  public static Future<RedisConnection> connect(Vertx vertx, String url, String keyPrefix) {
    RedisTopology topology;
    try {
      topology = new RedisTopology.Standalone(url);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return connect(vertx, topology, keyPrefix, 0);
  }

  /**
   * Connects to {@code topology}. With {@code minReplicas} above 0, the durable writes (see {@link
   * #durableWrites()}) are acknowledged only once that many replicas confirmed them, and the
   * connection fails at once if a primary reports fewer replicas than that. Fails with {@link
   * IllegalArgumentException} for a malformed prefix and with {@code StoreException(UNAVAILABLE)}
   * when Redis cannot be reached.
   */
  public static Future<RedisConnection> connect(
      Vertx vertx, RedisTopology topology, String keyPrefix, int minReplicas) {
    RedisKeys keys;
    try {
      keys = new RedisKeys(keyPrefix);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // Off the event loop: the configuration reads REDIS_TLS_CA's file.
    return vertx
        .executeBlocking(
            () -> Redisson.create(RedisClientConfig.forTopology(topology, vertx)), false)
        .recover(failure -> Future.failedFuture(connectFailure(failure, topology)))
        .map(client -> new RedisConnection(vertx, client, keys, topology, minReplicas))
        .compose(
            connection ->
                connection
                    .requireReplicas()
                    .recover(
                        failure -> connection.close().transform(v -> Future.failedFuture(failure)))
                    .map(connection))
        .compose(connection -> connection.warnAboutDurability().map(connection))
        .onSuccess(
            connection ->
                log.info(
                    "Connected to Redis ({}) with key prefix '{}'{}",
                    topology,
                    keys.prefix(),
                    minReplicas == 0
                        ? ""
                        : ", acknowledging writes once "
                            + minReplicas
                            + " replica(s) confirmed them"));
  }

  /**
   * Why connecting failed: an outage, said to be a refusal of the credentials when Redis answered
   * so (Sentinels that refuse them are reported by Redisson only in its log: WRONGPASS, NOAUTH), or
   * a TLS handshake nobody answered: a Redis without TLS on that port reads the handshake as the
   * start of a command and waits for the rest, so Redisson gives up after about 40 s with nothing
   * but a TimeoutException.
   */
  static Throwable connectFailure(Throwable failure, RedisTopology topology) {
    Throwable translated = RedisFutures.translate(failure, "connect to " + topology);
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof RedisAuthRequiredException
          || cause instanceof RedisWrongPasswordException) {
        return withHint(
            translated,
            "Redis refused the credentials ("
                + cause.getClass().getSimpleName()
                + "): "
                + (topology instanceof RedisTopology.Standalone
                    ? "give them in REDIS_URL"
                    : "set REDIS_USERNAME and REDIS_PASSWORD"),
            failure);
      }
      if (cause instanceof javax.net.ssl.SSLHandshakeException) {
        return withHint(
            translated,
            "Redis' certificate was not accepted ("
                + cause.getMessage()
                + "): REDIS_TLS_CA names a private authority that signed it",
            failure);
      }
      if (cause instanceof TimeoutException && topology.tls().enabled()) {
        return withHint(
            translated,
            "no answer to the TLS handshake: the Redis server on that port may not speak TLS"
                + " (rediss:// and REDIS_TLS=true need Redis' tls-port)",
            failure);
      }
    }
    return translated;
  }

  private static StoreException withHint(Throwable translated, String hint, Throwable failure) {
    return new StoreException(
        StoreException.Reason.UNAVAILABLE, translated.getMessage() + "; " + hint, failure);
  }

  /**
   * Fails naming {@code MINUTES_REDIS_MIN_REPLICAS} when a primary has fewer replicas than it asks
   * for: every append would wait in vain.
   */
  private Future<Void> requireReplicas() {
    int wanted = durableWrites.minReplicas();
    if (wanted == 0) {
      return Future.succeededFuture();
    }
    return primaries
        .states(vertx.getOrCreateContext())
        .compose(
            states -> {
              for (RedisPrimaries.State state : states) {
                if (state.replicasConnected() < wanted) {
                  return Future.failedFuture(
                      new IllegalStateException(
                          "MINUTES_REDIS_MIN_REPLICAS is "
                              + wanted
                              + " but the Redis primary "
                              + state.address()
                              + (state.answers()
                                  ? " reports " + state.replicasConnected() + " replica(s)"
                                  : " does not answer")));
                }
              }
              return Future.succeededFuture();
            });
  }

  /** Logs a warning for each Redis setting that would lose what this node acknowledges. */
  private Future<Void> warnAboutDurability() {
    return primaries
        .durabilityRisks(vertx.getOrCreateContext())
        .onSuccess(risks -> risks.forEach(risk -> log.warn("Redis durability: {}", risk)))
        .mapEmpty();
  }

  public RedisKeys keys() {
    return keys;
  }

  /** True when the keys are spread over the shards of a Redis Cluster. */
  public boolean clustered() {
    return topology instanceof RedisTopology.Cluster;
  }

  /** Where the publish queue lives on this topology. */
  PublishKeys publishKeys() {
    return PublishKeys.of(keys.prefix(), clustered());
  }

  /**
   * True when every primary answered PING within a second and, with {@code
   * MINUTES_REDIS_MIN_REPLICAS}, has that many replicas online (otherwise no append could be
   * acknowledged); false (never a failure) otherwise. For readiness checks.
   */
  public Future<Boolean> ping() {
    if (client.isShuttingDown() || client.isShutdown()) {
      return Future.succeededFuture(false);
    }
    int wanted = durableWrites.minReplicas();
    return primaries
        .states(vertx.getOrCreateContext())
        .map(
            states -> {
              String problem = readinessProblem(states, wanted);
              reportReadiness(problem);
              return problem == null;
            });
  }

  private static String readinessProblem(List<RedisPrimaries.State> states, int wanted) {
    for (RedisPrimaries.State state : states) {
      if (!state.answers()) {
        return "primary " + state.address() + " does not answer";
      }
      if (state.replicasOnline() < wanted) {
        return "primary "
            + state.address()
            + " has "
            + state.replicasOnline()
            + " replica(s) online, MINUTES_REDIS_MIN_REPLICAS is "
            + wanted;
      }
    }
    return null;
  }

  /** Logs when readiness changes, not on every probe (orchestrators probe every few seconds). */
  private void reportReadiness(String problem) {
    String before = lastReadinessProblem.getAndSet(problem);
    if (problem != null && !problem.equals(before)) {
      log.warn("Redis not ready: {}", problem);
    } else if (problem == null && before != null) {
      log.info("Redis ready again ({} resolved)", before);
    }
  }

  /**
   * Deletes every key under this connection's prefix, walking the key space with SCAN (never KEYS)
   * so Redis stays responsive, one page per round trip. Returns the number of deleted keys. Meant
   * for tests and for tearing down a deployment; on a cluster it only visits the node that serves
   * the scan, so run it per node there.
   */
  public Future<Long> deleteKeysUnderPrefix() {
    return deleteFromCursor("0", 0L, vertx.getOrCreateContext());
  }

  private Future<Long> deleteFromCursor(String cursor, long deletedSoFar, Context context) {
    RScript script = client.getScript(ByteArrayCodec.INSTANCE);
    RFuture<List<Object>> page =
        script.evalAsync(
            RScript.Mode.READ_WRITE,
            LuaScripts.SCAN_PAGE,
            RScript.ReturnType.MULTI,
            List.of(),
            utf8(cursor),
            utf8(keys.prefixPattern()),
            utf8(Integer.toString(SCAN_PAGE)));
    return RedisFutures.toVertx(page, context, "scan keys under " + keys.prefix())
        .compose(
            reply -> {
              String next = new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
              String[] found =
                  ((List<?>) reply.get(1))
                      .stream()
                          .map(key -> new String((byte[]) key, StandardCharsets.UTF_8))
                          .toArray(String[]::new);
              Future<Long> deleted =
                  found.length == 0
                      ? Future.succeededFuture(0L)
                      : RedisFutures.toVertx(
                          client.getKeys().deleteAsync(found),
                          context,
                          "delete keys under " + keys.prefix());
              return deleted.compose(
                  count ->
                      "0".equals(next)
                          ? Future.succeededFuture(deletedSoFar + count)
                          : deleteFromCursor(next, deletedSoFar + count, context));
            });
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Shuts the client down; in-flight commands get up to two seconds. Safe to call twice. */
  public Future<Void> close() {
    if (client.isShuttingDown() || client.isShutdown()) {
      return Future.succeededFuture();
    }
    return vertx
        .executeBlocking(
            () -> {
              client.shutdown(0, SHUTDOWN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
              return null;
            },
            false)
        .onSuccess(ignored -> log.info("Disconnected from Redis ({})", topology))
        .mapEmpty();
  }

  Vertx vertx() {
    return vertx;
  }

  RedissonClient client() {
    return client;
  }

  /** The writes a client is told about: acknowledged once as durable as configured. */
  DurableWrites durableWrites() {
    return durableWrites;
  }

  @Override
  public String toString() {
    return "RedisConnection[" + topology + ", prefix '" + keys.prefix() + "']";
  }
}
