package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minutes server in its own JVM process (for crash tests: SIGKILL must kill the whole server).
 * Runs {@code dev.minutes.app.Main} from the test classpath; {@link #ready()} completes with the
 * bound port once the server logs its {@code listening on http://HOST:PORT} line. Its output is
 * drained continuously (a full pipe would block the server) and kept for failure messages.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

  private final Process process;
  private final Promise<Integer> ready = Promise.promise();
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private final Thread reader;

  /** Lines waited for by {@link #printed}: fragment and the promise its first line completes. */
  private final List<Map.Entry<String, Promise<Void>>> awaited =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private ServerProcess(Process process) {
    this.process = process;
    reader = new Thread(this::readOutput, "server-process-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a server with the given environment on top of this JVM's, except that an inherited
   * REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES) is dropped: a server gets one only when the
   * caller passes it (without, it runs its embedded Redis).
   */
  public static ServerProcess start(Map<String, String> environment, Path workDir) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.minutes.app.Main");
    for (String redis :
        List.of("REDIS_URL", "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "REDIS_CLUSTER_NODES")) {
      builder.environment().remove(redis);
    }
    builder.environment().putAll(environment);
    builder.directory(workDir.toFile());
    builder.redirectErrorStream(true);
    try {
      return new ServerProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readOutput() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.add(line);
        for (Map.Entry<String, Promise<Void>> wanted : awaited) {
          if (line.contains(wanted.getKey())) {
            wanted.getValue().tryComplete();
          }
        }
        Matcher matcher = LISTENING.matcher(line);
        if (matcher.find()) {
          ready.tryComplete(Integer.parseInt(matcher.group(1)));
        }
      }
    } catch (IOException e) {
      ready.tryFail(e);
    }
    ready.tryFail(
        "server process exited before listening; output:\n" + String.join("\n", tail(40)));
  }

  /** Completes when the server prints a line containing {@code fragment} (from now on). */
  public Future<Void> printed(String fragment) {
    Promise<Void> seen = Promise.promise();
    awaited.add(Map.entry(fragment, seen));
    return seen.future();
  }

  /** The bound port, once serving. */
  public Future<Integer> ready() {
    return ready.future();
  }

  public long pid() {
    return process.pid();
  }

  /** The processes this server started (e.g. its embedded redis-server) that are alive now. */
  public List<ProcessHandle> children() {
    return process.descendants().toList();
  }

  /**
   * SIGKILL: no shutdown hook, no flush, like a crash. Children (an embedded redis-server) are not
   * signalled.
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /**
   * SIGTERM and wait; returns the exit code once the process ended and {@link #tail} holds all it
   * printed.
   */
  public int terminate() throws InterruptedException {
    process
        .toHandle()
        .destroy(); // SIGTERM; Process.destroy() would also close our end of its output
    int exit = process.waitFor();
    reader.join(10_000);
    return exit;
  }

  /**
   * Waits at most {@code seconds} for the process to end by itself; returns its exit code once
   * {@link #tail} holds all it printed.
   */
  public int exitCode(long seconds) throws InterruptedException, TimeoutException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      throw new TimeoutException("server still running after " + seconds + " s");
    }
    reader.join(10_000);
    return process.exitValue();
  }

  public List<String> tail(int lines) {
    synchronized (output) {
      return new ArrayList<>(output.subList(Math.max(0, output.size() - lines), output.size()));
    }
  }

  /** Kills the server and whatever it started. */
  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    if (process.isAlive()) {
      kill();
    }
  }
}
