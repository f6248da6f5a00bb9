package dev.minutes.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which Redis a node uses: one server ({@code REDIS_URL}), a primary with replicas watched by
 * Sentinels ({@code REDIS_SENTINELS}, {@code REDIS_SENTINEL_MASTER}), or a Redis Cluster ({@code
 * REDIS_CLUSTER_NODES}). Parsing fails with {@link IllegalArgumentException} on malformed input;
 * the messages never show a password.
 */
public sealed interface RedisTopology {

  /** TLS to this Redis, and whom to trust; {@link RedisTls#NONE} when plain. */
  RedisTls tls();

  /**
   * One Redis server (replicas, if any, are not followed on failover); {@code tlsCa} the
   * authorities to trust for {@code rediss://} (null: the JVM's).
   */
  record Standalone(String url, Path tlsCa) implements RedisTopology {
    public Standalone(String url) {
      this(url, null);
    }

    public Standalone {
      RedisEndpoint.parse(url);
    }

    @Override
    public RedisTls tls() {
      return new RedisTls(RedisEndpoint.parse(url).tls(), tlsCa);
    }

    @Override
    public String toString() {
      return RedisEndpoint.parse(url).toString();
    }
  }

  /** A primary and its replicas, found and followed through these Sentinels. */
  record Sentinel(
      List<Address> sentinels, String master, RedisCredentials credentials, RedisTls tls)
      implements RedisTopology {
    /** Redis servers and Sentinels that ask for no password, without TLS. */
    public Sentinel(List<Address> sentinels, String master) {
      this(sentinels, master, RedisCredentials.NONE, RedisTls.NONE);
    }

    public Sentinel {
      sentinels = List.copyOf(sentinels);
      credentials = credentials == null ? RedisCredentials.NONE : credentials;
      tls = tls == null ? RedisTls.NONE : tls;
      if (sentinels.isEmpty()) {
        throw new IllegalArgumentException("at least one Sentinel is needed");
      }
      if (master == null || master.isBlank() || master.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("the master name must be one word");
      }
    }

    @Override
    public String toString() {
      return "Sentinel master '" + master + "' via " + sentinels;
    }
  }

  /** A Redis Cluster, discovered from any of these nodes. */
  record Cluster(List<Address> nodes, RedisCredentials credentials, RedisTls tls)
      implements RedisTopology {
    /** Cluster nodes that ask for no password, without TLS. */
    public Cluster(List<Address> nodes) {
      this(nodes, RedisCredentials.NONE, RedisTls.NONE);
    }

    public Cluster {
      nodes = List.copyOf(nodes);
      credentials = credentials == null ? RedisCredentials.NONE : credentials;
      tls = tls == null ? RedisTls.NONE : tls;
      if (nodes.isEmpty()) {
        throw new IllegalArgumentException("at least one cluster node is needed");
      }
    }

    @Override
    public String toString() {
      return "Redis Cluster via " + nodes;
    }
  }

  /** A {@code host:port} of a Sentinel or cluster node. */
  record Address(String host, int port) {
    public Address {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be between 1 and 65535");
      }
    }

    /** The form Redisson expects. */
    String uri(boolean tls) {
      return (tls ? "rediss://" : "redis://")
          + (host.contains(":") ? "[" + host + "]" : host)
          + ":"
          + port;
    }

    @Override
    public String toString() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /**
   * Parses {@code host:port,host:port,…} (spaces around commas allowed; an IPv6 host in brackets,
   * {@code [::1]:26379}). Fails naming the first entry that is not {@code host:port}.
   */
  static List<Address> parseAddresses(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("must list at least one host:port");
    }
    List<Address> addresses = new ArrayList<>();
    for (String raw : list.split(",", -1)) {
      String entry = raw.trim();
      int colon = entry.lastIndexOf(':');
      String host = colon < 0 ? "" : entry.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":") || host.contains("/") || host.contains("@")) {
        host = "";
      }
      int port;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(entry.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.isBlank() || port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "must be host:port[,host:port…]; '" + entry + "' is not a host:port");
      }
      addresses.add(new Address(host, port));
    }
    return List.copyOf(addresses);
  }
}
