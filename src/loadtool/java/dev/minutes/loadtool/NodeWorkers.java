package dev.minutes.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Node worker processes of a JavaScript run ({@code src/loadtool/node/worker.mjs}), spoken to
 * in JSON lines: commands with an id get one reply each; a {@code typed} event (a keystroke) goes
 * to {@link TypedListener}, which relays it to the workers that host the meeting's other members.
 *
 * <p>Each worker has a reader thread and a writer thread with an unbounded queue, so a reader never
 * blocks on another worker's pipe (two workers each waiting for the other to read would stall).
 * Replies complete their futures on the run's context.
 */
final class NodeWorkers implements AutoCloseable {
  private static final String WORKER = "worker.mjs";

  /**
   * Extra flags for every worker's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a
   * worker's time goes (node refuses those in NODE_OPTIONS).
   */
  static final String FLAGS_VARIABLE = "MINUTES_LOADTOOL_NODE_FLAGS";

  /** Called on a worker's reader thread for every keystroke a worker reports. */
  interface TypedListener {
    void typed(int worker, JsonObject event, String line);
  }

  private final Context context;
  private final List<Worker> workers = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  private NodeWorkers(Context context) {
    this.context = context;
  }

  /**
   * Starts {@code count} workers of {@code mode} ("raw" or "repo") in the Node project {@code dir}.
   */
  static NodeWorkers start(
      Context context, Path dir, String mode, int count, TypedListener listener) {
    if (!Files.isRegularFile(dir.resolve(WORKER))
        || !Files.isDirectory(dir.resolve("node_modules"))) {
      throw new IllegalStateException(
          "no Node worker in "
              + dir
              + " (run npm ci there, or point --node-dir at src/loadtool/node)");
    }
    NodeWorkers all = new NodeWorkers(context);
    try {
      for (int i = 0; i < count; i++) {
        all.workers.add(all.new Worker(i, dir, mode, listener));
      }
    } catch (IOException e) {
      all.close();
      throw new IllegalStateException("cannot start node in " + dir + ": " + e.getMessage(), e);
    }
    return all;
  }

  int size() {
    return workers.size();
  }

  List<String> pids() {
    return workers.stream().map(w -> String.valueOf(w.process.pid())).toList();
  }

  /** Sends a command to one worker; completes with its reply, fails if it says it failed. */
  Future<JsonObject> call(int worker, JsonObject command) {
    return workers.get(worker).call(command.copy().put("id", ids.incrementAndGet()));
  }

  /** The same command to every worker; the replies in worker order. */
  Future<List<JsonObject>> callAll(JsonObject command) {
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      replies.add(call(i, command));
    }
    return Future.all(replies).map(all -> all.list());
  }

  /** Queues a line for a worker without waiting (a relayed keystroke has no reply). */
  void send(int worker, String line) {
    workers.get(worker).outbox.add(line);
  }

  /** Ends every worker: stdin closes (they exit), then anything still alive is killed. */
  @Override
  public void close() {
    for (Worker worker : workers) {
      worker.outbox.add(Worker.END);
    }
    for (Worker worker : workers) {
      try {
        if (!worker.process.waitFor(10, TimeUnit.SECONDS)) {
          worker.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        worker.process.destroyForcibly();
      }
    }
  }

  private final class Worker {
    static final String END = "";

    final int index;
    final Process process;
    final BlockingQueue<String> outbox = new LinkedBlockingQueue<>();
    final Map<Long, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
    final TypedListener listener;

    Worker(int index, Path dir, String mode, TypedListener listener) throws IOException {
      this.index = index;
      this.listener = listener;
      List<String> command = new ArrayList<>(List.of("node"));
      String flags = System.getenv(FLAGS_VARIABLE);
      if (flags != null && !flags.isBlank()) {
        command.addAll(List.of(flags.trim().split("\\s+")));
      }
      command.addAll(List.of(WORKER, "--mode", mode));
      this.process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      daemon(this::read, "node-worker-" + index + "-out");
      daemon(this::write, "node-worker-" + index + "-in");
    }

    private static void daemon(Runnable work, String name) {
      Thread thread = new Thread(work, name);
      thread.setDaemon(true);
      thread.start();
    }

    /** Set by the reader once the worker's output ended: nothing will be answered any more. */
    volatile String gone;

    Future<JsonObject> call(JsonObject command) {
      Promise<JsonObject> reply = Promise.promise();
      pending.put(command.getLong("id"), reply);
      outbox.add(command.encode());
      if (gone != null && pending.remove(command.getLong("id")) != null) {
        reply.fail(gone);
      }
      return reply.future();
    }

    private void write() {
      try (BufferedWriter in =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8))) {
        while (true) {
          String line = outbox.take();
          if (line == END) {
            return;
          }
          in.write(line);
          in.write('\n');
          if (outbox.isEmpty()) {
            in.flush();
          }
        }
      } catch (IOException | InterruptedException e) {
        // The worker is gone; its reader fails what is pending.
      }
    }

    private void read() {
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          JsonObject message = new JsonObject(line);
          if (message.containsKey("event")) {
            listener.typed(index, message, line);
            continue;
          }
          Promise<JsonObject> reply = pending.remove(message.getLong("id"));
          if (reply != null) {
            context.runOnContext(
                v -> {
                  if (message.getBoolean("ok", false)) {
                    reply.complete(message);
                  } else {
                    reply.fail("worker " + index + ": " + message.getString("error"));
                  }
                });
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through: the worker is gone or wrote something that is not JSON
      }
      gone = "node worker " + index + " ended" + exitCode();
      for (Long id : List.copyOf(pending.keySet())) {
        Promise<JsonObject> reply = pending.remove(id);
        if (reply != null) {
          context.runOnContext(v -> reply.tryFail(gone));
        }
      }
    }

    private String exitCode() {
      try {
        return process.waitFor(5, TimeUnit.SECONDS) ? " with exit code " + process.exitValue() : "";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "";
      }
    }
  }
}
