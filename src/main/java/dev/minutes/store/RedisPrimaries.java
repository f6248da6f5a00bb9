package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisClusterMaster;
import org.redisson.api.redisnode.RedisMaster;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodeAsync;
import org.redisson.api.redisnode.RedisNodes;

/**
 * The primaries of a topology as Redisson knows them right now (one, or one per cluster shard): are
 * they answering, and how many replicas does each have.
 */
final class RedisPrimaries {

  private static final long PING_TIMEOUT_MS = 1_000;

  private final RedissonClient client;
  private final RedisTopology topology;

  RedisPrimaries(RedissonClient client, RedisTopology topology) {
    this.client = client;
    this.topology = topology;
  }

  /** One primary's state: its address, whether it answered PING, its replicas in sync. */
  record State(String address, boolean answers, int replicasOnline, int replicasConnected) {}

  /**
   * Asks every primary, each within a second. A primary that cannot be asked is reported as not
   * answering; the future never fails.
   */
  Future<List<State>> states(Context context) {
    List<Primary> primaries;
    try {
      primaries = primaries();
    } catch (RuntimeException noPrimary) {
      // During a failover Redisson may know no primary at all for a moment.
      return Future.succeededFuture(List.of(new State(topology.toString(), false, 0, 0)));
    }
    List<Future<State>> states = new ArrayList<>();
    for (Primary primary : primaries) {
      states.add(state(primary, context));
    }
    return Future.join(states).map(all -> all.<State>list());
  }

  private Future<State> state(Primary primary, Context context) {
    String address = primary.address().getHostString() + ":" + primary.address().getPort();
    Future<Boolean> ping =
        RedisFutures.toVertx(
                primary.node().pingAsync(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS), context, "ping")
            .otherwise(false);
    return ping.compose(
        answers ->
            !answers
                ? Future.succeededFuture(new State(address, false, 0, 0))
                : RedisFutures.toVertx(
                        primary.node().infoAsync(RedisNode.InfoSection.REPLICATION),
                        context,
                        "read replication state")
                    .map(info -> new State(address, true, online(info), connected(info)))
                    .otherwise(new State(address, false, 0, 0)));
  }

  /**
   * What each primary's settings put at risk, in words (none when it keeps what it acknowledged and
   * never evicts): "acknowledged means durable" holds only with the append-only file on and no
   * eviction. A primary whose settings cannot be read (a managed Redis that disabled CONFIG) is not
   * judged. Never fails.
   */
  Future<List<String>> durabilityRisks(Context context) {
    List<Primary> primaries;
    try {
      primaries = primaries();
    } catch (RuntimeException noPrimary) {
      return Future.succeededFuture(List.of());
    }
    List<Future<List<String>>> risks = new ArrayList<>();
    for (Primary primary : primaries) {
      risks.add(risksOf(primary, context));
    }
    return Future.join(risks)
        .map(all -> all.<List<String>>list().stream().flatMap(List::stream).toList())
        .otherwise(List.of());
  }

  private Future<List<String>> risksOf(Primary primary, Context context) {
    String address = primary.address().getHostString() + ":" + primary.address().getPort();
    Future<String> appendOnly = setting(primary, "appendonly", context);
    Future<String> fsync = setting(primary, "appendfsync", context);
    Future<String> eviction = setting(primary, "maxmemory-policy", context);
    return Future.all(appendOnly, fsync, eviction)
        .map(
            v -> {
              List<String> risks = new ArrayList<>();
              if ("no".equals(appendOnly.result())) {
                risks.add(
                    "the Redis primary "
                        + address
                        + " has appendonly no: what this node acknowledges is on disk only from"
                        + " Redis' next snapshot on, if it takes snapshots at all, and a Redis"
                        + " restart loses the rest (set appendonly yes, appendfsync always)");
              } else if ("no".equals(fsync.result())) {
                risks.add(
                    "the Redis primary "
                        + address
                        + " has appendfsync no: a crash of its machine loses the acknowledged"
                        + " edits the system had not written yet (set appendfsync always)");
              }
              String policy = eviction.result();
              if (policy != null && !policy.isEmpty() && !"noeviction".equals(policy)) {
                risks.add(
                    "the Redis primary "
                        + address
                        + " has maxmemory-policy "
                        + policy
                        + ": when full it may drop meetings' keys (set noeviction: a full Redis"
                        + " then refuses writes, and pages hold their edits until it has room)");
              }
              return List.copyOf(risks);
            })
        .otherwise(List.of());
  }

  /** One setting's value, null when it cannot be read. */
  private static Future<String> setting(Primary primary, String name, Context context) {
    return RedisFutures.toVertx(primary.node().getConfigAsync(name), context, "read " + name)
        .map(values -> values.get(name))
        .otherwise((String) null);
  }

  private record Primary(InetSocketAddress address, RedisNodeAsync node) {}

  private List<Primary> primaries() {
    if (topology instanceof RedisTopology.Cluster) {
      List<Primary> primaries = new ArrayList<>();
      for (RedisClusterMaster master : client.getRedisNodes(RedisNodes.CLUSTER).getMasters()) {
        primaries.add(new Primary(master.getAddr(), master));
      }
      return primaries;
    }
    RedisMaster master =
        topology instanceof RedisTopology.Sentinel
            ? client.getRedisNodes(RedisNodes.SENTINEL_MASTER_SLAVE).getMaster()
            : client.getRedisNodes(RedisNodes.SINGLE).getInstance();
    return List.of(new Primary(master.getAddr(), master));
  }

  /** Replicas the primary counts as connected ({@code connected_slaves}). */
  private static int connected(Map<String, String> info) {
    return Integer.parseInt(info.getOrDefault("connected_slaves", "0"));
  }

  /** Replicas whose line says {@code state=online}: they receive the primary's writes now. */
  private static int online(Map<String, String> info) {
    int online = 0;
    for (Map.Entry<String, String> field : info.entrySet()) {
      if (field.getKey().matches("slave\\d+") && field.getValue().contains("state=online")) {
        online++;
      }
    }
    return online;
  }
}
