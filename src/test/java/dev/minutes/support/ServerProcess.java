package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minutes server in its own JVM ({@code dev.minutes.app.Main} on the test class path), so tests
 * can kill it the hard way. Its output is drained continuously (a full pipe would block the
 * server); {@link #port()} completes when it logs the line {@code listening on http://HOST:PORT}.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^\\s:]+:(\\d+)");
  private static final int OUTPUT_LINES_KEPT = 200;

  private final Process process;
  private final Promise<Integer> port = Promise.promise();
  private final Deque<String> output = new ArrayDeque<>();

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readOutput, "server-process-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code java -cp <test class path> dev.minutes.app.Main} with exactly these extra variables. */
  public static ServerProcess start(Map<String, String> environment) {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "dev.minutes.app.Main")).redirectErrorStream(true);
    builder.environment().remove("REDIS_URL");
    builder.environment().putAll(environment);
    try {
      return new ServerProcess(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a server process", e);
    }
  }

  /** The HTTP port, once the server listens; fails if the process ends first. */
  public Future<Integer> port() {
    return port.future();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The processes this server started (e.g. its embedded redis-server), alive now. */
  public List<ProcessHandle> children() {
    return process.descendants().toList();
  }

  /** SIGKILL on Linux: no shutdown hook runs, nothing is flushed; waits until the JVM is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("server process " + process.pid() + " did not die");
    }
  }

  /** The last lines the server wrote, for failure messages. */
  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }

  /** Kills the server and everything it started. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private void readOutput() {
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        log.debug("server {}: {}", process.pid(), line);
        synchronized (output) {
          output.addLast(line);
          if (output.size() > OUTPUT_LINES_KEPT) {
            output.removeFirst();
          }
        }
        Matcher listening = LISTENING.matcher(line);
        if (listening.find()) {
          port.tryComplete(Integer.parseInt(listening.group(1)));
        }
      }
    } catch (IOException e) {
      log.debug("server {}: output closed: {}", process.pid(), e.getMessage());
    }
    port.tryFail(new IllegalStateException("server process " + process.pid() + " ended before listening:\n" + output()));
  }
}
