package dev.minutes.support;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of real Debian processes on free loopback ports: three shards, each a primary
 * with one replica, created with {@code redis-cli --cluster create}. A primary silent for {@link
 * #NODE_TIMEOUT_MS} is failed over to its replica. Blocking methods: call them from a test thread.
 */
public final class ClusterTopology implements AutoCloseable {

  public static final int SHARDS = 3;

  /** How long a primary may be silent before its replica takes over. */
  public static final int NODE_TIMEOUT_MS = 1_000;

  private final Path dir;
  private final Map<Integer, RedisProcess> nodes = new HashMap<>();

  /** One shard as the cluster reported it last: its primary's port, replica's port, slots. */
  public record Shard(int primary, int replica, List<int[]> slots) {
    public boolean owns(int slot) {
      return slots.stream().anyMatch(range -> slot >= range[0] && slot <= range[1]);
    }
  }

  /** What every node asks clients and each other for ({@code requirepass}); null: nothing. */
  private final String password;

  /** Certificates when every node speaks TLS only (clients and the cluster bus); null: plain. */
  private final TestCertificates tls;

  private ClusterTopology(Path dir, String password, TestCertificates tls) {
    this.dir = dir;
    this.password = password;
    this.tls = tls;
  }

  /** Starts six nodes, joins them into three shards and returns once the cluster state is ok. */
  public static ClusterTopology start() throws Exception {
    return start(null);
  }

  /** The same with every node asking for {@code password} (null: none). */
  public static ClusterTopology start(String password) throws Exception {
    return start(password, false);
  }

  /** The same, every node speaking TLS only when {@code tls} (see {@link #tls()}). */
  public static ClusterTopology start(String password, boolean tls) throws Exception {
    Path dir = Files.createTempDirectory("cluster-");
    ClusterTopology cluster =
        new ClusterTopology(
            dir, password, tls ? TestCertificates.create(dir.resolve("tls")) : null);
    try {
      cluster.startAll();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    List<Future<String>> ok = new ArrayList<>();
    CountDownLatch synced = new CountDownLatch(SHARDS);
    for (int i = 0; i < SHARDS * 2; i++) {
      int port = RedisProcess.freePort(true);
      RedisProcess node =
          RedisProcess.start(
              RedisProcess.Kind.SERVER, dir.resolve("node-" + port), port, nodeConfig(port));
      ok.add(node.printed("Cluster state changed: ok"));
      node.printed("MASTER <-> REPLICA sync: Finished with success")
          .onSuccess(line -> synced.countDown());
      nodes.put(port, node);
    }
    for (RedisProcess node : nodes.values()) {
      node.ready().await(30, TimeUnit.SECONDS);
    }
    List<String> create = new ArrayList<>(List.of("--cluster", "create"));
    nodes.values().forEach(node -> create.add(node.address()));
    create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
    redisCli(nodes.keySet().iterator().next(), create);
    for (Future<String> state : ok) {
      state.await(60, TimeUnit.SECONDS);
    }
    // Cluster state "ok" comes before the replicas' first sync; until then WAIT counts no
    // replica, and nodes started with MINUTES_REDIS_MIN_REPLICAS=1 rightly refuse every write.
    if (!synced.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the cluster's replicas did not finish their first sync");
    }
  }

  private List<String> nodeConfig(int port) {
    List<String> config =
        new ArrayList<>(
            List.of(
                "cluster-enabled yes",
                "cluster-config-file nodes.conf",
                "cluster-node-timeout " + NODE_TIMEOUT_MS,
                "save \"\"",
                "appendonly no"));
    if (password != null) {
      config.addAll(List.of("requirepass " + password, "masterauth " + password));
    }
    if (tls != null) {
      config.addAll(tls.tlsOnly(port));
      config.add("tls-cluster yes");
    }
    return config;
  }

  /** The certificates every node serves, when started with TLS; null otherwise. */
  public TestCertificates tls() {
    return tls;
  }

  /** {@code REDIS_CLUSTER_NODES}: every node's {@code host:port}. */
  public String nodesSetting() {
    return nodes.values().stream().map(RedisProcess::address).collect(Collectors.joining(","));
  }

  /** The shards as a live node reports them now ({@code CLUSTER NODES}). */
  public List<Shard> shards() throws Exception {
    RedisProcess asked =
        nodes.values().stream().filter(RedisProcess::isAlive).findFirst().orElseThrow();
    Map<String, Integer> portOfId = new HashMap<>();
    Map<String, List<int[]>> slotsOfPrimary = new HashMap<>();
    Map<String, Integer> replicaOfPrimary = new HashMap<>();
    for (String line : redisCli(asked.port(), List.of("cluster", "nodes")).split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 8 || fields[2].contains("fail")) {
        continue;
      }
      int port =
          Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
      portOfId.put(fields[0], port);
      if (fields[2].contains("master")) {
        List<int[]> slots = new ArrayList<>();
        for (int i = 8; i < fields.length; i++) {
          String[] range = fields[i].split("-");
          if (!range[0].startsWith("[")) {
            int first = Integer.parseInt(range[0]);
            slots.add(new int[] {first, range.length > 1 ? Integer.parseInt(range[1]) : first});
          }
        }
        if (!slots.isEmpty()) {
          slotsOfPrimary.put(fields[0], slots);
        }
      } else if (fields[2].contains("slave")) {
        replicaOfPrimary.put(fields[3], port);
      }
    }
    List<Shard> shards = new ArrayList<>();
    slotsOfPrimary.forEach(
        (id, slots) ->
            shards.add(new Shard(portOfId.get(id), replicaOfPrimary.getOrDefault(id, -1), slots)));
    return shards;
  }

  /** The hash slot of {@code key}, as Redis computes it ({@code CLUSTER KEYSLOT}). */
  public int slotOf(String key) throws Exception {
    RedisProcess asked =
        nodes.values().stream().filter(RedisProcess::isAlive).findFirst().orElseThrow();
    return Integer.parseInt(redisCli(asked.port(), List.of("cluster", "keyslot", key)).trim());
  }

  /** The shard that owns {@code slot}. */
  public Shard shardOf(int slot) throws Exception {
    return shards().stream().filter(shard -> shard.owns(slot)).findFirst().orElseThrow();
  }

  /**
   * SIGKILLs the shard's primary and returns once its replica won the election (it serves the
   * shard's slots from then on). The killed node stays down until {@link #restart(int)}.
   */
  public void killPrimary(Shard shard) throws Exception {
    Future<String> won = nodes.get(shard.replica()).printed("Failover election won");
    nodes.get(shard.primary()).kill();
    won.await(60, TimeUnit.SECONDS);
  }

  /**
   * Starts a killed node again (empty, but with its nodes.conf) and returns once it has
   * synchronised as the replica of the primary that took over from it.
   */
  public void restart(int port) throws Exception {
    RedisProcess node = nodes.get(port);
    Future<String> synced = node.printed("MASTER <-> REPLICA sync: Finished with success");
    node.restart();
    node.ready().await(30, TimeUnit.SECONDS);
    synced.await(60, TimeUnit.SECONDS);
  }

  private String redisCli(int port, List<String> args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    if (password != null) {
      command.addAll(List.of("-a", password, "--no-auth-warning"));
    }
    if (tls != null) {
      command.addAll(List.of("--tls", "--cacert", tls.ca().toString()));
    }
    command.addAll(args);
    Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!cli.waitFor(60, TimeUnit.SECONDS) || cli.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
    }
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    for (RedisProcess node : nodes.values()) {
      node.close();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; nothing depends on it
    }
  }
}
