package dev.minutes.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real redis-server child process (the binary bundled with {@code
 * com.github.codemonstur:embedded-redis}) for running minutes without an external Redis, and for
 * tests.
 *
 * <p>It listens on loopback only and persists to an append-only file in {@code dataDir}, fsynced on
 * every write ({@code appendfsync always}), so an acknowledged edit survives a crash of either
 * process. RDB snapshots are off: the AOF alone is the durable copy and restarting on the same
 * directory replays it.
 *
 * <p>{@link #start} and {@link #stop} block (they spawn and wait for a process); call them from
 * {@code main} or a worker thread, never from an event loop. The library registers a JVM shutdown
 * hook per started server that stops it, so a normally exiting JVM never leaves redis-server
 * behind; {@link #stop} remains the orderly way.
 */
public final class EmbeddedRedis {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);

  /**
   * redis-server's own log lines, drained from its stdout (an undrained pipe would eventually block
   * the server).
   */
  private static final Logger serverLog =
      LoggerFactory.getLogger(EmbeddedRedis.class.getName() + ".server");

  private static final String LOOPBACK = "127.0.0.1";

  /**
   * Another process may grab the free port between probing and binding; then we simply try another
   * one.
   */
  private static final int PORT_ATTEMPTS = 3;

  /**
   * redis-server writes its pid here (and removes it on a clean exit), so a later start can find an
   * orphan.
   */
  static final String PID_FILE = "redis.pid";

  private static final long ORPHAN_STOP_SECONDS = 10;

  private final RedisServer server;
  private final int port;
  private final Path dataDir;

  private EmbeddedRedis(RedisServer server, int port, Path dataDir) {
    this.server = server;
    this.port = port;
    this.dataDir = dataDir;
  }

  /**
   * Starts redis-server on a free loopback port, persisting to {@code dataDir} (created if
   * missing).
   */
  public static EmbeddedRedis start(Path dataDir) {
    IOException lastFailure = null;
    for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
      int port = freeLoopbackPort();
      try {
        return startOn(dataDir, port);
      } catch (IOException e) {
        log.warn(
            "Embedded Redis did not start on port {} (attempt {} of {}): {}",
            port,
            attempt,
            PORT_ATTEMPTS,
            e.getMessage());
        lastFailure = e;
      }
    }
    throw new UncheckedIOException("Embedded Redis did not start in " + dataDir, lastFailure);
  }

  /**
   * Starts redis-server on the given loopback port, e.g. to restart a server where clients expect
   * it.
   */
  public static EmbeddedRedis start(Path dataDir, int port) {
    try {
      return startOn(dataDir, port);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Embedded Redis did not start on port " + port + " in " + dataDir, e);
    }
  }

  private static EmbeddedRedis startOn(Path dataDir, int port) throws IOException {
    Path dir = Files.createDirectories(dataDir).toAbsolutePath();
    stopOrphanedServer(dir);
    RedisServer server =
        RedisServer.newRedisServer()
            .bind(LOOPBACK)
            .port(port)
            .setting("dir " + quoted(dir.toString()))
            .setting("pidfile " + quoted(dir.resolve(PID_FILE).toString()))
            .setting("appendonly yes")
            .setting("appendfilename \"appendonly.aof\"")
            .setting("appendfsync always")
            .setting("save \"\"")
            .setting("protected-mode yes")
            .soutListener(serverLog::debug)
            .serrListener(serverLog::warn)
            .build();
    server.start();
    log.info("Embedded Redis listening on {}:{} with data in {}", LOOPBACK, port, dir);
    return new EmbeddedRedis(server, port, dir);
  }

  /**
   * A JVM killed with SIGKILL cannot stop its redis-server child, which then lives on, holding the
   * append-only file of this directory. Two servers must never write one AOF, so the orphan (found
   * through the pid file redis-server keeps in the directory and removes on a clean exit) is
   * stopped with SIGTERM first, which makes it flush and close the AOF.
   */
  private static void stopOrphanedServer(Path dir) throws IOException {
    Path pidFile = dir.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException e) {
      log.warn("Ignoring unreadable pid file {}: {}", pidFile, e.getMessage());
      return;
    }
    Optional<ProcessHandle> orphan =
        ProcessHandle.of(pid)
            .filter(ProcessHandle::isAlive)
            .filter(
                process ->
                    process
                        .info()
                        .command()
                        .map(command -> command.contains("redis-server"))
                        .orElse(false));
    if (orphan.isEmpty()) {
      return;
    }
    log.warn(
        "A redis-server (pid {}) left behind by an earlier run still serves {}; stopping it",
        pid,
        dir);
    ProcessHandle process = orphan.get();
    process.destroy();
    if (!awaitExit(process)) {
      log.warn("redis-server pid {} ignored SIGTERM; killing it", pid);
      process.destroyForcibly();
      if (!awaitExit(process)) {
        throw new IOException(
            "the redis-server (pid " + pid + ") left behind in " + dir + " does not stop");
      }
    }
  }

  private static boolean awaitExit(ProcessHandle process) throws IOException {
    try {
      process.onExit().get(ORPHAN_STOP_SECONDS, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IOException("waiting for redis-server pid " + process.pid() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping redis-server pid " + process.pid(), e);
    }
  }

  public String url() {
    return "redis://" + LOOPBACK + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public boolean isRunning() {
    return server.isActive();
  }

  /**
   * Stops redis-server with SIGTERM and waits for it to exit; Redis flushes the AOF before exiting.
   * Safe to call twice.
   */
  public void stop() {
    try {
      server.stop();
      log.info("Embedded Redis on port {} stopped", port);
    } catch (IOException e) {
      throw new UncheckedIOException("Embedded Redis on port " + port + " did not stop", e);
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * redis.conf takes double-quoted strings with backslash escapes, so any directory name is safe.
   */
  private static String quoted(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  @Override
  public String toString() {
    return "EmbeddedRedis[" + url() + ", " + dataDir + "]";
  }
}
