package dev.minutes.store;

import io.netty.channel.epoll.Epoll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.SingleServerConfig;
import org.redisson.config.TransportMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redisson client for one Redis server plus the key prefix all store objects built on it use.
 *
 * <p>Redisson itself is asynchronous, but creating and shutting down the client block (they open
 * connections and wait for Netty threads), so {@link #connect} and {@link #close} run on a worker
 * thread.
 *
 * <p>Redisson reconnects by itself after an outage (with jittered back-off) and re-subscribes
 * pub/sub channels; commands issued while Redis is away fail with {@link
 * StoreException.Reason#UNAVAILABLE} once their retries are exhausted.
 */
public final class RedisConnection {

  private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);

  /**
   * Connection establishment on loopback or a LAN takes milliseconds; beyond this Redis is
   * effectively down.
   */
  private static final int CONNECT_TIMEOUT_MS = 5_000;

  /**
   * Per-command response timeout. Appends sit on the path to acknowledging an edit, so fail fast
   * rather than hang.
   */
  private static final int COMMAND_TIMEOUT_MS = 3_000;

  /** Retries cover a dropped connection or a failover; each waits a jittered delay of up to 1 s. */
  private static final int RETRY_ATTEMPTS = 3;

  /**
   * Detects half-open connections (e.g. after a NAT timeout) before a real command runs into them.
   */
  private static final int PING_INTERVAL_MS = 10_000;

  private static final long READINESS_PING_TIMEOUT_MS = 1_000;

  /**
   * Shutdown waits for in-flight commands at most this long; there is no quiet period to sit
   * through.
   */
  private static final long SHUTDOWN_TIMEOUT_MS = 2_000;

  /**
   * Netty threads of the Redis client: they only encode commands and decode replies (results hop to
   * the caller's Vert.x context), so two keep up with any load one node sees.
   */
  private static final int IO_THREADS = 2;

  /** Keys per SCAN page, a hint to Redis; also bounds the size of each DEL. */
  private static final int SCAN_PAGE = 500;

  private final Vertx vertx;
  private final RedissonClient client;
  private final RedisKeys keys;
  private final RedisEndpoint endpoint;

  private RedisConnection(
      Vertx vertx, RedissonClient client, RedisKeys keys, RedisEndpoint endpoint) {
    this.vertx = vertx;
    this.client = client;
    this.keys = keys;
    this.endpoint = endpoint;
  }

  /**
   * Connects to {@code url} ({@code redis://[user:pass@]host:port[/db]} or {@code rediss://...}).
   * Fails with {@link IllegalArgumentException} for a malformed URL or prefix and with {@code
   * StoreException(UNAVAILABLE)} when Redis cannot be reached.
   */
  public static Future<RedisConnection> connect(Vertx vertx, String url, String keyPrefix) {
    RedisEndpoint endpoint;
    RedisKeys keys;
    try {
      endpoint = RedisEndpoint.parse(url);
      keys = new RedisKeys(keyPrefix);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Config config = configFor(endpoint, vertx);
    return vertx
        .executeBlocking(() -> Redisson.create(config), false)
        .recover(
            failure ->
                Future.failedFuture(RedisFutures.translate(failure, "connect to " + endpoint)))
        .map(
            client -> {
              log.info("Connected to Redis at {} with key prefix '{}'", endpoint, keys.prefix());
              return new RedisConnection(vertx, client, keys, endpoint);
            });
  }

  static Config configFor(RedisEndpoint endpoint, Vertx vertx) {
    Config config = new Config();
    // Document bytes must reach Redis untouched; every store object also passes the codec
    // explicitly.
    config.setCodec(ByteArrayCodec.INSTANCE);
    useOwnIoThreads(config, vertx);
    SingleServerConfig server =
        config
            .useSingleServer()
            .setAddress(endpoint.address())
            .setDatabase(endpoint.database())
            .setConnectionMinimumIdleSize(2)
            .setConnectionPoolSize(16)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(4)
            .setClientName("minutes");
    server
        .setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setTimeout(COMMAND_TIMEOUT_MS)
        .setRetryAttempts(RETRY_ATTEMPTS)
        .setRetryDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
        .setPingConnectionInterval(PING_INTERVAL_MS)
        .setKeepAlive(true)
        .setTcpNoDelay(true);
    if (endpoint.username() != null) {
      server.setUsername(endpoint.username());
    }
    if (endpoint.password() != null) {
      server.setPassword(endpoint.password());
    }
    return config;
  }

  /**
   * Redis sockets get I/O threads of their own, never Vert.x's event loops. Redisson fails a
   * command that has not reached the socket within its retry delays (about one second in all:
   * "Command still hasn't been written into connection"), so on shared loops any stall of the HTTP
   * side (a slow handler, a pause of the whole JVM, a starved core on a loaded machine) failed
   * unrelated Redis commands, such as the publish worker's polls, and Redisson's own blocking
   * moments (topology checks in Sentinel and Cluster mode) would have stalled WebSocket traffic.
   * Measured, sharing the loops saved less than this VM's noise (docs/performance.md, fifth round).
   * Pub/sub messages are still delivered inline on the Redis thread that read them: every listener
   * here only parses a short payload and hands it to a Vert.x context.
   */
  private static void useOwnIoThreads(Config config, Vertx vertx) {
    boolean epoll = vertx.isNativeTransportEnabled() && Epoll.isAvailable();
    config.setTransportMode(epoll ? TransportMode.EPOLL : TransportMode.NIO);
    config.setNettyThreads(IO_THREADS);
    config.setExecutor(new InlineExecutor());
  }

  public RedisKeys keys() {
    return keys;
  }

  /**
   * True when Redis answered PING within a second; false (never a failure) otherwise. For readiness
   * checks.
   */
  public Future<Boolean> ping() {
    if (client.isShuttingDown() || client.isShutdown()) {
      return Future.succeededFuture(false);
    }
    return RedisFutures.toVertx(
            client
                .getRedisNodes(RedisNodes.SINGLE)
                .getInstance()
                .pingAsync(READINESS_PING_TIMEOUT_MS, TimeUnit.MILLISECONDS),
            vertx.getOrCreateContext(),
            "ping")
        .otherwise(
            failure -> {
              log.warn("Redis ping to {} failed: {}", endpoint, failure.getMessage());
              return false;
            });
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
        .onSuccess(ignored -> log.info("Disconnected from Redis at {}", endpoint))
        .mapEmpty();
  }

  Vertx vertx() {
    return vertx;
  }

  RedissonClient client() {
    return client;
  }

  @Override
  public String toString() {
    return "RedisConnection[" + endpoint + ", prefix '" + keys.prefix() + "']";
  }
}
