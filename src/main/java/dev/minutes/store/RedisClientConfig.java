package dev.minutes.store;

import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.BaseMasterSlaveServersConfig;
import org.redisson.config.Config;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.ReadMode;
import org.redisson.config.SubscriptionMode;
import org.redisson.config.TransportMode;

/**
 * The Redisson configuration for one {@link RedisTopology}: the same timeouts, retries and threads
 * whatever the topology, every command on a primary.
 */
final class RedisClientConfig {

  /**
   * Connection establishment on loopback or a LAN takes milliseconds; beyond this Redis is
   * effectively down.
   */
  static final int CONNECT_TIMEOUT_MS = 5_000;

  /**
   * Per-command response timeout. Appends sit on the path to acknowledging an edit, so fail fast
   * rather than hang.
   */
  static final int COMMAND_TIMEOUT_MS = 3_000;

  /** Retries cover a dropped connection or a failover; each waits a jittered delay of up to 1 s. */
  private static final int RETRY_ATTEMPTS = 3;

  /**
   * Detects half-open connections (e.g. after a NAT timeout) before a real command runs into them.
   */
  private static final int PING_INTERVAL_MS = 10_000;

  /**
   * Netty threads of the Redis client: they only encode commands and decode replies (results hop to
   * the caller's Vert.x context), so two keep up with any load one node sees.
   */
  private static final int IO_THREADS = 2;

  /** How often Sentinel and Cluster mode look for a new primary or a changed slot map. */
  private static final int TOPOLOGY_SCAN_MS = 1_000;

  /**
   * Channels one subscription connection may carry. In a Redis Cluster a node subscribes to two
   * channels per meeting it holds (announcements and presence, on the meeting's shard), and
   * Redisson's default of 5 per connection with 8 connections per shard refused the 21st meeting on
   * a shard ("Unable to acquire connection for subscription": about 57 meetings a node over three
   * shards, answered 503). Redis has no limit of its own, and a channel costs a connection nothing
   * until a message arrives, so this is far beyond what one node's memory holds in meetings.
   */
  private static final int SUBSCRIPTIONS_PER_CONNECTION = 10_000;

  private RedisClientConfig() {}

  static Config forTopology(RedisTopology topology, Vertx vertx) {
    Config config = new Config();
    // Document bytes must reach Redis untouched; every store object also passes the codec
    // explicitly.
    config.setCodec(ByteArrayCodec.INSTANCE);
    useOwnIoThreads(config, vertx);
    if (topology instanceof RedisTopology.Standalone standalone) {
      single(config, RedisEndpoint.parse(standalone.url()), standalone.tls());
    } else if (topology instanceof RedisTopology.Sentinel sentinel) {
      sentinel(config, sentinel);
    } else {
      cluster(config, (RedisTopology.Cluster) topology);
    }
    return config;
  }

  private static void single(Config config, RedisEndpoint endpoint, RedisTls tls) {
    var server =
        common(config.useSingleServer())
            .setAddress(endpoint.address())
            .setDatabase(endpoint.database())
            .setConnectionMinimumIdleSize(2)
            .setConnectionPoolSize(16)
            .setSubscriptionConnectionMinimumIdleSize(1)
            .setSubscriptionConnectionPoolSize(4);
    if (endpoint.username() != null) {
      server.setUsername(endpoint.username());
    }
    if (endpoint.password() != null) {
      server.setPassword(endpoint.password());
    }
    trust(server, tls);
  }

  /**
   * The primary the Sentinels name, followed when they promote another (Redisson watches their
   * {@code +switch-master} messages and asks them every second). More than one Sentinel is
   * expected, yet not required: a single one is a development setup, not refused.
   */
  private static void sentinel(Config config, RedisTopology.Sentinel sentinel) {
    var servers =
        primariesOnly(common(config.useSentinelServers()))
            .setMasterName(sentinel.master())
            .setCheckSentinelsList(false)
            .setScanInterval(TOPOLOGY_SCAN_MS);
    sentinel
        .sentinels()
        .forEach(address -> servers.addSentinelAddress(address.uri(sentinel.tls().enabled())));
    RedisCredentials credentials = sentinel.credentials();
    authenticate(servers, credentials);
    trust(servers, sentinel.tls());
    // Sentinels that ask for a password get their own, else the servers'; a user name only their
    // own (Redisson offers them no user otherwise, the default user).
    if (credentials.sentinelUsername() != null) {
      servers.setSentinelUsername(credentials.sentinelUsername());
    }
    if (credentials.sentinelPassword() != null) {
      servers.setSentinelPassword(credentials.sentinelPassword());
    }
  }

  private static void cluster(Config config, RedisTopology.Cluster cluster) {
    var servers =
        primariesOnly(common(config.useClusterServers())).setScanInterval(TOPOLOGY_SCAN_MS);
    cluster
        .nodes()
        .forEach(address -> servers.addNodeAddress(address.uri(cluster.tls().enabled())));
    authenticate(servers, cluster.credentials());
    trust(servers, cluster.tls());
  }

  /** Redis' certificates are checked against {@code REDIS_TLS_CA} instead of the JVM's trust. */
  private static void trust(BaseConfig<?> servers, RedisTls tls) {
    if (tls.ca() != null) {
      servers.setSslTrustManagerFactory(tls.trust());
    }
  }

  private static void authenticate(BaseConfig<?> servers, RedisCredentials credentials) {
    if (credentials.username() != null) {
      servers.setUsername(credentials.username());
    }
    if (credentials.password() != null) {
      servers.setPassword(credentials.password());
    }
  }

  /**
   * Reads go to primaries like writes: a node woken by an announcement, or checking a token just
   * created, must see what the primary has, which a lagging replica may not. Replicas still get a
   * connection each, so a promoted one is known at once.
   */
  private static <T extends BaseMasterSlaveServersConfig<T>> T primariesOnly(T servers) {
    return servers
        .setReadMode(ReadMode.MASTER)
        .setSubscriptionMode(SubscriptionMode.MASTER)
        .setMasterConnectionMinimumIdleSize(2)
        .setMasterConnectionPoolSize(16)
        .setSlaveConnectionMinimumIdleSize(1)
        .setSlaveConnectionPoolSize(2)
        .setSubscriptionConnectionMinimumIdleSize(1)
        .setSubscriptionConnectionPoolSize(8);
  }

  private static <T extends BaseConfig<T>> T common(T server) {
    return server
        .setClientName("minutes")
        .setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setTimeout(COMMAND_TIMEOUT_MS)
        .setRetryAttempts(RETRY_ATTEMPTS)
        .setRetryDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(1)))
        .setReconnectionDelay(new EqualJitterDelay(Duration.ofMillis(100), Duration.ofSeconds(5)))
        .setPingConnectionInterval(PING_INTERVAL_MS)
        .setSubscriptionsPerConnection(SUBSCRIPTIONS_PER_CONNECTION)
        .setKeepAlive(true)
        .setTcpNoDelay(true);
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
}
