package dev.minutes.support;

import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A replicated Redis as production runs it: a primary, one replica and three Sentinels (quorum 2),
 * all real Debian processes on free loopback ports. The Sentinels call a primary down after {@link
 * #DOWN_AFTER_MS} without an answer and promote the replica. Blocking methods: call them from a
 * test thread.
 */
public final class SentinelTopology implements AutoCloseable {

  /** The name the Sentinels know the primary by ({@code REDIS_SENTINEL_MASTER}). */
  public static final String MASTER = "minutes";

  /**
   * How long a primary may be silent before the Sentinels call it down. Three seconds, not one: on
   * a loaded two-core machine a primary busy with a full sync to a returning replica has missed a
   * one-second window, and the Sentinels then failed over a second time, to the empty replica.
   */
  public static final int DOWN_AFTER_MS = 3_000;

  private static final Pattern SWITCH =
      Pattern.compile("\\+switch-master " + MASTER + " \\S+ (\\d+) \\S+ (\\d+)");

  private final Path dir;
  private final List<RedisProcess> sentinels = new ArrayList<>();
  private RedisProcess primary;
  private RedisProcess replica;

  /** What the servers ask clients and each other for ({@code requirepass}); null: nothing. */
  private final String serverPassword;

  /** What the Sentinels ask clients for; null: nothing. */
  private final String sentinelPassword;

  /** Certificates when every process speaks TLS only; null: plain. */
  private final TestCertificates tls;

  /** ACL user lines for the Sentinels' own configuration. */
  private final List<String> sentinelUsers;

  private SentinelTopology(
      Path dir,
      String serverPassword,
      String sentinelPassword,
      TestCertificates tls,
      List<String> sentinelUsers) {
    this.dir = dir;
    this.serverPassword = serverPassword;
    this.sentinelPassword = sentinelPassword;
    this.tls = tls;
    this.sentinelUsers = sentinelUsers;
  }

  /** Starts everything and returns once the Sentinels watch the primary and know its replica. */
  public static SentinelTopology start() throws Exception {
    return start(null, null);
  }

  /**
   * The same with passwords: the servers ask for {@code serverPassword} (the replica and the
   * Sentinels give it), the Sentinels for {@code sentinelPassword}; null asks for none.
   */
  public static SentinelTopology start(String serverPassword, String sentinelPassword)
      throws Exception {
    return start(serverPassword, sentinelPassword, false);
  }

  /**
   * The same, every server and Sentinel speaking TLS only when {@code tls} (see {@link #tls()}).
   */
  public static SentinelTopology start(String serverPassword, String sentinelPassword, boolean tls)
      throws Exception {
    Path dir = Files.createTempDirectory("sentinel-");
    return start(
        new SentinelTopology(
            dir,
            serverPassword,
            sentinelPassword,
            tls ? TestCertificates.create(dir.resolve("tls")) : null,
            List.of()));
  }

  /**
   * The same with passwords, the Sentinels also knowing the ACL user {@code user} (password {@code
   * userPassword}, every command and channel), as Sentinels that give clients users of their own
   * are set up.
   */
  public static SentinelTopology startWithSentinelUser(
      String serverPassword, String sentinelPassword, String user, String userPassword)
      throws Exception {
    return start(
        new SentinelTopology(
            Files.createTempDirectory("sentinel-"),
            serverPassword,
            sentinelPassword,
            null,
            List.of("user " + user + " on >" + userPassword + " ~* &* +@all")));
  }

  private static SentinelTopology start(SentinelTopology topology) throws Exception {
    try {
      topology.startAll();
      return topology;
    } catch (Exception | Error e) {
      topology.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    int primaryPort = RedisProcess.freePort(false);
    primary = server(primaryPort, List.of());
    primary.ready().await(30, TimeUnit.SECONDS);
    replica = server(RedisProcess.freePort(false), List.of("replicaof 127.0.0.1 " + primaryPort));
    Future<String> synced = replica.printed("MASTER <-> REPLICA sync: Finished with success");
    replica.ready().await(30, TimeUnit.SECONDS);
    synced.await(30, TimeUnit.SECONDS);
    List<Future<String>> replicaKnown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int port = RedisProcess.freePort(false);
      List<String> config =
          new ArrayList<>(
              List.of(
                  "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                  "sentinel down-after-milliseconds " + MASTER + " " + DOWN_AFTER_MS,
                  "sentinel failover-timeout " + MASTER + " 10000",
                  "sentinel parallel-syncs " + MASTER + " 1"));
      if (serverPassword != null) {
        config.add("sentinel auth-pass " + MASTER + " " + serverPassword);
      }
      if (sentinelPassword != null) {
        config.add("requirepass " + sentinelPassword);
      }
      config.addAll(sentinelUsers);
      if (tls != null) {
        config.addAll(tls.tlsOnly(port));
      }
      RedisProcess sentinel =
          RedisProcess.start(
              RedisProcess.Kind.SENTINEL, dir.resolve("sentinel-" + port), port, config);
      replicaKnown.add(sentinel.printed("+slave slave " + replica.address()));
      sentinels.add(sentinel);
    }
    for (RedisProcess sentinel : sentinels) {
      sentinel.ready().await(30, TimeUnit.SECONDS);
    }
    for (Future<String> known : replicaKnown) {
      known.await(30, TimeUnit.SECONDS);
    }
  }

  private RedisProcess server(int port, List<String> extra) {
    List<String> config = new ArrayList<>(List.of("save \"\"", "appendonly no"));
    if (serverPassword != null) {
      config.addAll(List.of("requirepass " + serverPassword, "masterauth " + serverPassword));
    }
    if (tls != null) {
      config.addAll(tls.tlsOnly(port));
    }
    config.addAll(extra);
    return RedisProcess.start(RedisProcess.Kind.SERVER, dir.resolve("redis-" + port), port, config);
  }

  /** {@code REDIS_SENTINELS}: the three Sentinels' {@code host:port}. */
  public String sentinelsSetting() {
    return sentinels.stream().map(RedisProcess::address).collect(Collectors.joining(","));
  }

  /** The certificates every process serves, when started with TLS; null otherwise. */
  public TestCertificates tls() {
    return tls;
  }

  public RedisProcess primary() {
    return primary;
  }

  public RedisProcess replica() {
    return replica;
  }

  /**
   * SIGKILLs the primary and returns once every Sentinel switched to the replica as the new
   * primary. The killed process stays down until {@link #restartFormerPrimary()}.
   *
   * <p>Every Sentinel, not the first: a Sentinel that has not heard of the failover yet and sees
   * the killed primary come back (empty, without persistence) takes it for the primary still, and
   * after a few seconds turns the promoted replica back into its replica, which then copies the
   * empty data set. An operator restarting a failed primary waits for the same.
   */
  public void killPrimaryAndAwaitFailover() throws Exception {
    List<Future<String>> switched = new ArrayList<>();
    for (RedisProcess sentinel : sentinels) {
      switched.add(sentinel.printed("+switch-master " + MASTER));
    }
    primary.kill();
    for (Future<String> each : switched) {
      Matcher matcher = SWITCH.matcher(each.await(60, TimeUnit.SECONDS));
      if (!matcher.find() || Integer.parseInt(matcher.group(2)) != replica.port()) {
        throw new IllegalStateException("unexpected failover: " + each.result());
      }
    }
    RedisProcess promoted = replica;
    replica = primary;
    primary = promoted;
  }

  /**
   * Starts the killed former primary again, empty (no persistence) and as the replica of the
   * primary that replaced it, the way to bring a failed primary back; returns once it has
   * synchronised. (Started as it was, it would serve as an empty primary until the Sentinels turn
   * it into a replica, some ten seconds later.)
   */
  public void restartFormerPrimary() throws Exception {
    Future<String> synced = replica.printed("MASTER <-> REPLICA sync: Finished with success");
    replica.restart(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
    try {
      replica.ready().await(30, TimeUnit.SECONDS);
      synced.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the former primary did not come back as a replica; it printed:\n" + replica.tail(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (RedisProcess sentinel : sentinels) {
      sentinel.close();
    }
    if (primary != null) {
      primary.close();
    }
    if (replica != null) {
      replica.close();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; nothing depends on it
    }
  }
}
