package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One real {@code redis-server} or {@code redis-sentinel} child process (Debian's packages, as in
 * production) for tests of replicated topologies: its own directory and config file, loopback only,
 * output drained and matched against awaited lines. {@link #kill()} is SIGKILL, {@link #pause()} /
 * {@link #resume()} are SIGSTOP / SIGCONT (a primary that is there but does not answer), {@link
 * #restart()} starts it again on the same port, directory and config (a Sentinel rewrites its file,
 * so it comes back knowing what it learned).
 */
public final class RedisProcess implements AutoCloseable {

  /** What to run and the line it prints once it serves. */
  public enum Kind {
    SERVER("/usr/bin/redis-server", "Ready to accept connections"),
    SENTINEL("/usr/bin/redis-sentinel", "+monitor master");

    private final String binary;
    private final String readyLine;

    Kind(String binary, String readyLine) {
      this.binary = binary;
      this.readyLine = readyLine;
    }
  }

  private static final int TAIL_LINES = 200;

  /** Ports handed out: 15000-22767, so that port + 10000 (a cluster bus) ends below 32768. */
  private static final int FIRST_PORT = 15_000;

  private static final int PORTS = 7_768;
  private static final Random RANDOM = new Random();

  private final Kind kind;
  private final Path dir;
  private final int port;
  private final List<Map.Entry<String, Promise<String>>> awaited = new CopyOnWriteArrayList<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private Process process;
  private Promise<Void> ready;

  private RedisProcess(Kind kind, Path dir, int port) {
    this.kind = kind;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts {@code kind} on {@code port} in {@code dir} (created) with these config lines on top of
   * loopback-only, foreground, log-to-stdout defaults. Completes {@link #ready()} once it serves.
   */
  public static RedisProcess start(Kind kind, Path dir, int port, List<String> config) {
    if (!Files.isExecutable(Path.of(kind.binary))) {
      throw new IllegalStateException(
          kind.binary
              + " is missing: install Debian's redis-server and redis-sentinel packages"
              + " (.ci/run does)");
    }
    List<String> lines = new ArrayList<>();
    lines.add("port " + port);
    lines.add("bind 127.0.0.1");
    lines.add("daemonize no");
    lines.add("logfile \"\"");
    lines.add("dir " + dir.toAbsolutePath());
    lines.addAll(config);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(configName(kind)), lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisProcess redis = new RedisProcess(kind, dir, port);
    redis.launch(List.of());
    return redis;
  }

  /** A loopback port free now (and, for cluster nodes, its bus port {@code port + 10000} too). */
  public static int freePort(boolean withBusPort) {
    // Below the kernel's ephemeral range (32768 and up on Linux), so that while a killed process
    // is down no outgoing connection can take its port as a local port and keep it from restarting
    // on the same port; a cluster node's bus port (port + 10000) stays below that range too.
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = FIRST_PORT + RANDOM.nextInt(PORTS);
      if (bindable(port) && (!withBusPort || bindable(port + 10_000))) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found below the ephemeral range");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private void launch(List<String> options) {
    List<String> command =
        new ArrayList<>(List.of(kind.binary, dir.resolve(configName(kind)).toString()));
    command.addAll(options);
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    ready = Promise.promise();
    awaited.add(Map.entry(kind.readyLine, Promise.promise()));
    Promise<String> readyLine = awaited.get(awaited.size() - 1).getValue();
    readyLine.future().onComplete(ar -> ready.tryComplete());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process started = process;
    Promise<Void> startedReady = ready; // a later restart has a promise of its own
    Thread reader = new Thread(() -> drain(started, startedReady), "redis-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
  }

  private void drain(Process started, Promise<Void> startedReady) {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        for (Map.Entry<String, Promise<String>> wanted : awaited) {
          if (line.contains(wanted.getKey()) && wanted.getValue().tryComplete(line)) {
            awaited.remove(wanted);
          }
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    startedReady.tryFail(kind + " on port " + port + " exited before serving:\n" + tail());
  }

  /** Completes once the process serves (its ready line was printed). */
  public Future<Void> ready() {
    return ready.future();
  }

  /** Completes with the first line containing {@code fragment} printed from now on. */
  public Future<String> printed(String fragment) {
    Promise<String> seen = Promise.promise();
    awaited.add(Map.entry(fragment, seen));
    return seen.future();
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown, like a crash; returns once the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process keeps its sockets but answers nothing until {@link #resume()}. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  /** Starts the process again on the same port, directory and config file. */
  public void restart() {
    restart(List.of());
  }

  /**
   * Like {@link #restart()}, with command-line options that override the config file (such as
   * {@code --replicaof 127.0.0.1 6380}).
   */
  public void restart(List<String> options) {
    if (process.isAlive()) {
      throw new IllegalStateException(kind + " on port " + port + " still runs");
    }
    launch(options);
  }

  /** The last lines it printed. */
  public String tail() {
    synchronized (tail) {
      return String.join("\n", tail);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      try {
        resume(); // a paused process would not die before it runs again
      } catch (IOException e) {
        // kill it all the same
      }
      kill();
    }
  }

  private void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  private static String configName(Kind kind) {
    return kind == Kind.SENTINEL ? "sentinel.conf" : "redis.conf";
  }
}
