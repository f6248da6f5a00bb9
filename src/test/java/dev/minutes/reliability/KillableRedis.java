package dev.minutes.reliability;

import dev.minutes.app.EmbeddedRedis;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An {@link EmbeddedRedis} (AOF on, fsync always) that can be killed with SIGKILL, like a crash,
 * and restarted on the same port and data directory. Blocking: call from a test or main thread.
 */
final class KillableRedis {
  private final Path dataDir;
  private final int port;
  private EmbeddedRedis redis;
  private ProcessHandle process;

  private KillableRedis(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  static KillableRedis start(Path dataDir, int port) {
    KillableRedis killable = new KillableRedis(dataDir, port);
    killable.restart();
    return killable;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts redis-server again on the same port and directory; it replays its AOF. */
  void restart() {
    Set<Long> before = redisChildren();
    redis = EmbeddedRedis.start(dataDir, port);
    Set<Long> started = redisChildren();
    started.removeAll(before);
    if (started.size() != 1) {
      throw new IllegalStateException("cannot tell which redis-server was started: " + started);
    }
    process = ProcessHandle.of(started.iterator().next()).orElseThrow();
  }

  /**
   * SIGKILL: no shutdown, no final AOF flush (with fsync always nothing acknowledged is pending).
   */
  void kill() throws Exception {
    process.destroyForcibly();
    process.onExit().get(30, TimeUnit.SECONDS);
  }

  /** Orderly stop (SIGTERM) if it runs. */
  void stop() {
    if (process != null && process.isAlive()) {
      redis.stop();
    }
  }

  private static Set<Long> redisChildren() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false))
        .map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }
}
