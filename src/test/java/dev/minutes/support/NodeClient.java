package dev.minutes.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived Node process of {@code src/test/node} ({@code client.mjs}, {@code raw.mjs}, {@code
 * reference-server.mjs}) driven by JSON lines: commands go to its stdin, replies and events come
 * back on its stdout, its stderr is kept for diagnosis.
 *
 * <p>{@link #command} assigns the {@code id} and completes with the matching reply (failing with
 * {@link NodeCommandException} on {@code "ok":false}); every other stdout line is an event, kept in
 * {@link #events()} and matched by {@link #awaitEvent}/{@link #awaitNextEvent}. All futures
 * complete on the Vert.x context current when the process was started. If the process ends,
 * everything pending fails with its exit code and the tail of its stderr.
 *
 * <p>Futures carry no timeout of their own: wait with {@code future.await(20, SECONDS)} in tests
 * (the Node commands that wait, like {@code waitText}, take a {@code timeoutMs}).
 */
public final class NodeClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeClient.class);
  private static final int STDERR_LINES_KEPT = 300;
  private static final long EXIT_TIMEOUT_SECONDS = 15;

  private final String name;
  private final Process process;
  private final Context context;
  private final ExecutorService stdinWriter;
  private final AtomicLong nextId = new AtomicLong(1);

  private final Object lock = new Object();
  private final Map<Long, PendingCommand> pendingCommands = new HashMap<>();
  private final List<JsonObject> events = new ArrayList<>();
  private final List<EventWaiter> eventWaiters = new ArrayList<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private Throwable ended;
  private volatile boolean killed;

  /** Completes with the exit code once the process ended and everything pending was failed. */
  private final Promise<Integer> exited = Promise.promise();

  private Thread stderrReader;

  private record PendingCommand(JsonObject command, Promise<JsonObject> reply) {}

  private record EventWaiter(Predicate<JsonObject> predicate, Promise<JsonObject> event) {}

  private NodeClient(String name, Process process, Context context) {
    this.name = name;
    this.process = process;
    this.context = context;
    this.stdinWriter = Executors.newSingleThreadExecutor(daemon(name + "-stdin"));
  }

  /**
   * Starts {@code node <script> <args>} in the Node project directory (installing its modules first
   * if needed, see {@link NodeProject#ensureInstalled()}). Blocks briefly to spawn the process:
   * call it from a test thread, not an event loop.
   */
  public static NodeClient start(Vertx vertx, String script, List<String> args) {
    NodeProject.ensureInstalled();
    List<String> command = new ArrayList<>();
    command.add(NodeProject.nodeExecutable());
    command.add(script);
    command.addAll(args);
    Process process;
    try {
      process = new ProcessBuilder(command).directory(NodeProject.directory().toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + String.join(" ", command), e);
    }
    String name = script.replaceFirst("\\.mjs$", "") + "-" + process.pid();
    log.debug("started {}: {}", name, String.join(" ", command));
    NodeClient client = new NodeClient(name, process, vertx.getOrCreateContext());
    client.startReaders();
    return client;
  }

  /** A command object {@code {"cmd": name}} to add fields to. */
  public static JsonObject cmd(String name) {
    return new JsonObject().put("cmd", name);
  }

  /** Sends a command (a copy with a fresh {@code id}) and completes with its reply. */
  public Future<JsonObject> command(JsonObject command) {
    long id = nextId.getAndIncrement();
    JsonObject withId = command.copy().put("id", id);
    Promise<JsonObject> reply = Promise.promise();
    synchronized (lock) {
      if (ended != null) {
        return failedOnContext(ended);
      }
      pendingCommands.put(id, new PendingCommand(withId, reply));
    }
    stdinWriter.execute(() -> writeLine(withId));
    return reply.future();
  }

  /** The first event, already received or still to come, that matches. */
  public Future<JsonObject> awaitEvent(Predicate<JsonObject> predicate) {
    synchronized (lock) {
      for (JsonObject event : events) {
        if (predicate.test(event)) {
          return succeededOnContext(event);
        }
      }
      return waitForEvent(predicate);
    }
  }

  /**
   * The first event named {@code name} ({@code "event":name}), already received or still to come.
   */
  public Future<JsonObject> awaitEvent(String name) {
    return awaitEvent(isEvent(name));
  }

  /** The first matching event received after this call (earlier ones are ignored). */
  public Future<JsonObject> awaitNextEvent(Predicate<JsonObject> predicate) {
    synchronized (lock) {
      return waitForEvent(predicate);
    }
  }

  /** A predicate for events named {@code name}. */
  public static Predicate<JsonObject> isEvent(String name) {
    return event -> name.equals(event.getString("event"));
  }

  /** A snapshot of every event received so far, in order. */
  public List<JsonObject> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** The events named {@code name} received so far. */
  public List<JsonObject> events(String name) {
    return events().stream().filter(isEvent(name)).toList();
  }

  /** The last lines the process wrote to stderr. */
  public String stderr() {
    synchronized (lock) {
      return String.join("\n", stderrTail);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Asks the process to shut down cleanly ({@code {"cmd":"exit"}}) and completes with its exit
   * code.
   */
  public Future<Integer> exit() {
    if (!process.isAlive()) {
      return exited.future();
    }
    command(cmd("exit")).onFailure(e -> log.debug("{}: exit command: {}", name, e.getMessage()));
    return exited.future().timeout(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS).onFailure(e -> kill());
  }

  /** Kills the process at once (SIGKILL). */
  public void kill() {
    killed = true;
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    stdinWriter.shutdown();
  }

  @Override
  public String toString() {
    return name;
  }

  private Future<JsonObject> waitForEvent(Predicate<JsonObject> predicate) {
    if (ended != null) {
      return failedOnContext(ended);
    }
    Promise<JsonObject> promise = Promise.promise();
    eventWaiters.add(new EventWaiter(predicate, promise));
    return promise.future();
  }

  private void writeLine(JsonObject command) {
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.write((command.encode() + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    } catch (IOException e) {
      PendingCommand pending;
      synchronized (lock) {
        pending = pendingCommands.remove(command.getLong("id"));
      }
      if (pending != null) {
        IllegalStateException failure =
            new IllegalStateException(
                name
                    + ": cannot send "
                    + command.encode()
                    + " (process alive: "
                    + process.isAlive()
                    + ")",
                e);
        context.runOnContext(v -> pending.reply().tryFail(failure));
      }
    }
  }

  private void startReaders() {
    Thread stdout =
        daemon(name + "-stdout")
            .newThread(
                () -> {
                  readLines(process.getInputStream(), this::onStdoutLine);
                  onStdoutClosed();
                });
    stderrReader =
        daemon(name + "-stderr")
            .newThread(() -> readLines(process.getErrorStream(), this::onStderrLine));
    stderrReader.start();
    stdout.start();
  }

  private void readLines(InputStream stream, Consumer<String> consumer) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        consumer.accept(line);
      }
    } catch (IOException e) {
      log.debug("{}: stream closed: {}", name, e.getMessage());
    }
  }

  private void onStderrLine(String line) {
    log.debug("{} stderr: {}", name, line);
    synchronized (lock) {
      stderrTail.addLast(line);
      if (stderrTail.size() > STDERR_LINES_KEPT) {
        stderrTail.removeFirst();
      }
    }
  }

  private void onStdoutLine(String line) {
    JsonObject message;
    try {
      message = new JsonObject(line);
    } catch (DecodeException e) {
      log.warn("{}: stdout line is not JSON (stdout must carry only JSON lines): {}", name, line);
      return;
    }
    if (message.containsKey("id") && message.containsKey("ok")) {
      onReply(message);
    } else {
      onEvent(message);
    }
  }

  private void onReply(JsonObject reply) {
    PendingCommand pending;
    synchronized (lock) {
      pending = pendingCommands.remove(reply.getLong("id"));
    }
    if (pending == null) {
      log.warn("{}: reply to no pending command: {}", name, reply.encode());
      return;
    }
    if (reply.getBoolean("ok", false)) {
      context.runOnContext(v -> pending.reply().tryComplete(reply));
    } else {
      NodeCommandException failure = new NodeCommandException(pending.command(), reply);
      log.info("{}: {} -> {}", name, pending.command().encode(), reply.encode());
      context.runOnContext(v -> pending.reply().tryFail(failure));
    }
  }

  private void onEvent(JsonObject event) {
    List<Promise<JsonObject>> matched = new ArrayList<>();
    synchronized (lock) {
      events.add(event);
      for (Iterator<EventWaiter> it = eventWaiters.iterator(); it.hasNext(); ) {
        EventWaiter waiter = it.next();
        if (waiter.predicate().test(event)) {
          matched.add(waiter.event());
          it.remove();
        }
      }
    }
    matched.forEach(promise -> context.runOnContext(v -> promise.tryComplete(event)));
  }

  /** stdout ends when the process does: fail whatever still waits, with the reason. */
  private void onStdoutClosed() {
    int exitCode = waitForExit();
    awaitStderrDrained();
    List<Promise<JsonObject>> waiting = new ArrayList<>();
    IllegalStateException failure;
    synchronized (lock) {
      failure =
          new IllegalStateException(
              name
                  + " ended with exit code "
                  + exitCode
                  + (stderrTail.isEmpty() ? "" : "; stderr:\n" + String.join("\n", stderrTail)));
      ended = failure;
      pendingCommands.values().forEach(pending -> waiting.add(pending.reply()));
      pendingCommands.clear();
      eventWaiters.forEach(waiter -> waiting.add(waiter.event()));
      eventWaiters.clear();
    }
    if (!waiting.isEmpty() || (exitCode != 0 && !killed)) {
      log.warn("{}", failure.getMessage());
    }
    waiting.forEach(promise -> context.runOnContext(v -> promise.tryFail(failure)));
    context.runOnContext(v -> exited.tryComplete(exitCode));
  }

  private void awaitStderrDrained() {
    try {
      stderrReader.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> Future<T> succeededOnContext(T value) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(value));
    return promise.future();
  }

  private <T> Future<T> failedOnContext(Throwable failure) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> promise.fail(failure));
    return promise.future();
  }

  private int waitForExit() {
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static ThreadFactory daemon(String threadName) {
    return runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    };
  }
}
