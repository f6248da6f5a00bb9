package dev.minutes.reliability;

import static dev.minutes.support.NodeClient.cmd;

import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak: ordinary use of one node for a long while, then a count of what its log says went
 * wrong. Official automerge-repo clients type into several meetings and confirm every token saved;
 * the load tool (a separate process) types a keystroke per change into more meetings; every {@code
 * closeEvery} a meeting is created, typed into, closed and its publication awaited; every {@code
 * reloadEvery} a new client opens one of the typed-into meetings and leaves again (a page reload).
 *
 * <p>Counted in the server's output: Redisson's "Command still hasn't been written into
 * connection", the publish worker's "cannot poll Redis", Vert.x's blocked-thread warnings, and
 * every other WARN or ERROR line. Exits 1 when any of the first three appeared.
 *
 * <pre>
 *   scripts/soak.sh [MINUTES=10] [MEETINGS=4] [TYPISTS_PER_MEETING=3]
 * </pre>
 */
public final class Soak {
  private static final List<String> FAULTS =
      List.of("hasn't been written into connection", "cannot poll Redis", "has been blocked for");

  private final Vertx vertx = Vertx.vertx();
  private final WebClient http = WebClient.create(vertx);
  private final Path workDir;
  private final int port = freePort();
  private final Duration duration;
  private final int meetings;
  private final int typistsPerMeeting;
  private final Duration closeEvery = Duration.ofSeconds(30);
  private final Duration reloadEvery = Duration.ofSeconds(10);
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger published = new AtomicInteger();
  private final AtomicInteger reloads = new AtomicInteger();
  private final List<NodeClient> clients = new ArrayList<>();
  private ServerProcess server;
  private Process loadTool;

  private Soak(Duration duration, int meetings, int typistsPerMeeting) throws IOException {
    this.duration = duration;
    this.meetings = meetings;
    this.typistsPerMeeting = typistsPerMeeting;
    this.workDir = Files.createTempDirectory("soak-");
  }

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofMinutes(args.length > 0 ? Long.parseLong(args[0]) : 10);
    int meetings = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int typists = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    NodeProject.ensureInstalled();
    Soak soak = new Soak(duration, meetings, typists);
    int faults;
    try {
      faults = soak.run();
    } finally {
      soak.cleanUp();
    }
    System.exit(faults == 0 ? 0 : 1);
  }

  private int run() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MINUTES_HTTP_PORT", String.valueOf(port));
    env.put("MINUTES_DATA_DIR", workDir.resolve("data").toString());
    env.put("MINUTES_LOG_LEVEL", "INFO");
    String redisUrl = System.getenv("SOAK_REDIS_URL");
    if (redisUrl != null && !redisUrl.isBlank()) {
      env.put("REDIS_URL", redisUrl);
    }
    server = ServerProcess.start(env, workDir);
    server.ready().await(120, TimeUnit.SECONDS);
    long started = System.nanoTime();

    List<Typist> typists = new ArrayList<>();
    List<JsonObject> typed = new ArrayList<>();
    for (int m = 0; m < meetings; m++) {
      JsonObject meeting = create("Soak " + m);
      typed.add(meeting);
      for (int t = 0; t < typistsPerMeeting; t++) {
        Typist typist =
            new Typist(vertx, client(editorUrl(meeting)), "m" + m + "t" + t, 150, 10_000);
        typist.start(meeting.getString("documentUrl")).await(60, TimeUnit.SECONDS);
        typists.add(typist);
      }
    }
    loadTool = startLoadTool();
    long closer = vertx.setPeriodic(closeEvery.toMillis(), id -> closeOneMeeting());
    long reloader =
        vertx.setPeriodic(
            reloadEvery.toMillis(), id -> reload(typed.get(reloads.get() % typed.size())));
    vertx.timer(duration.toMillis()).await(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
    vertx.cancelTimer(closer);
    vertx.cancelTimer(reloader);
    for (Typist typist : typists) {
      typist.stop().await(60, TimeUnit.SECONDS);
    }
    boolean loadToolDone = loadTool.waitFor(120, TimeUnit.SECONDS);
    System.out.println(loadToolSummary(loadToolDone ? loadTool.exitValue() : -1));
    long typedTokens = typists.stream().mapToLong(Typist::typedCount).sum();
    long acknowledged = typists.stream().mapToLong(Typist::acknowledgedCount).sum();

    List<String> output = server.tail(Integer.MAX_VALUE);
    Map<String, Long> counts = new HashMap<>();
    for (String fault : FAULTS) {
      counts.put(fault, output.stream().filter(line -> line.contains(fault)).count());
    }
    long warnings = output.stream().filter(line -> line.contains(" WARN ")).count();
    long errors = output.stream().filter(line -> line.contains(" ERROR ")).count();
    System.out.printf(
        Locale.ROOT,
        "soak minutes=%d meetings=%d typists=%d tokens=%d acknowledged=%d closes=%d published=%d"
            + " reloads=%d not-written=%d poll-failures=%d blocked-threads=%d warn-lines=%d"
            + " error-lines=%d elapsed=%ds%n",
        duration.toMinutes(),
        meetings,
        typists.size(),
        typedTokens,
        acknowledged,
        closed.get(),
        published.get(),
        reloads.get(),
        counts.get(FAULTS.get(0)),
        counts.get(FAULTS.get(1)),
        counts.get(FAULTS.get(2)),
        warnings,
        errors,
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    output.stream()
        .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
        .limit(40)
        .forEach(line -> System.out.println("  " + line));
    return (int) counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** What the load tool measured, from its JSON result (keystrokes, latency, undelivered). */
  private String loadToolSummary(int exitCode) throws IOException {
    Path result = workDir.resolve("load.json");
    if (exitCode != 0 || !Files.exists(result)) {
      return "load-tool exit="
          + exitCode
          + "; its output:\n"
          + Files.readString(workDir.resolve("load.log"));
    }
    JsonObject load = new JsonObject(Files.readString(result));
    JsonObject latency = load.getJsonObject("latencyMs");
    return String.format(
        Locale.ROOT,
        "load-tool exit=0 keystrokes=%d keystroke-to-peer p50=%.1fms p99=%.1fms"
            + " undelivered-after-drain=%d",
        load.getLong("keystrokes"),
        latency.getDouble("p50"),
        latency.getDouble("p99"),
        load.getLong("undeliveredAfterDrain"));
  }

  /** The load tool in its own process: keystroke-per-change typists in meetings of its own. */
  private Process startLoadTool() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.minutes.loadtool.LoadTool",
            "--server",
            "ws://127.0.0.1:" + port + "/sync",
            "--typists",
            "20",
            "--meeting-size",
            "5",
            "--rate",
            "3",
            "--warmup",
            "5s",
            "--duration",
            duration.toSeconds() + "s",
            "--json",
            workDir.resolve("load.json").toString());
    builder.redirectErrorStream(true);
    builder.redirectOutput(workDir.resolve("load.log").toFile());
    return builder.start();
  }

  /** Create, type, close, and wait until the folder target published it. */
  private void closeOneMeeting() {
    createAsync("Soak close " + closed.get())
        .compose(
            meeting -> {
              NodeClient writer = client(editorUrl(meeting));
              return writer
                  .command(cmd("find").put("url", meeting.getString("documentUrl")))
                  .compose(
                      found ->
                          writer.command(
                              cmd("type")
                                  .put("text", "- [ ] Ada: publish the soak\n")
                                  .put("at", "end")
                                  .put("perChange", 1)
                                  .put("intervalMs", 20)))
                  .compose(t -> writer.command(cmd("waitSaved")))
                  .eventually(() -> writer.exit())
                  .compose(v -> close(meeting))
                  .compose(v -> awaitPublished(meeting, 60));
            })
        .onSuccess(v -> published.incrementAndGet())
        .onFailure(failure -> System.out.println("close round failed: " + failure));
  }

  private Future<Void> close(JsonObject meeting) {
    return http.post(port, "127.0.0.1", "/api/meetings/" + meeting.getString("id") + "/close")
        .bearerTokenAuthentication(meeting.getJsonObject("tokens").getString("chair"))
        .send()
        .map(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException("close: " + response.statusCode());
              }
              closed.incrementAndGet();
              return null;
            });
  }

  private Future<Void> awaitPublished(JsonObject meeting, int attemptsLeft) {
    return http.get(port, "127.0.0.1", "/api/meetings/" + meeting.getString("id"))
        .bearerTokenAuthentication(meeting.getJsonObject("tokens").getString("viewer"))
        .send()
        .compose(
            response -> {
              JsonArray publish =
                  response.bodyAsJsonObject().getJsonArray("publish", new JsonArray());
              boolean delivered =
                  !publish.isEmpty()
                      && publish.stream()
                          .allMatch(p -> "delivered".equals(((JsonObject) p).getString("state")));
              if (delivered) {
                return Future.succeededFuture();
              }
              if (attemptsLeft == 0) {
                return Future.failedFuture("not published: " + publish.encode());
              }
              return vertx.timer(1_000).compose(t -> awaitPublished(meeting, attemptsLeft - 1));
            });
  }

  /** A page reload: a fresh client opens the meeting, reads it, and goes. */
  private void reload(JsonObject meeting) {
    NodeClient reader = client(editorUrl(meeting));
    reader
        .command(cmd("find").put("url", meeting.getString("documentUrl")))
        .eventually(() -> reader.exit())
        .onSuccess(v -> reloads.incrementAndGet())
        .onFailure(failure -> System.out.println("reload failed: " + failure));
  }

  private JsonObject create(String subject) throws Exception {
    return createAsync(subject).await(60, TimeUnit.SECONDS);
  }

  private Future<JsonObject> createAsync(String subject) {
    return http.post(port, "127.0.0.1", "/api/meetings")
        .sendJsonObject(
            new JsonObject()
                .put("chair", "Ada")
                .put("subject", subject)
                .put("attendees", new JsonArray().add("Ada").add("Grace")))
        .map(
            response -> {
              if (response.statusCode() != 201) {
                throw new IllegalStateException("create: " + response.statusCode());
              }
              return response.bodyAsJsonObject();
            });
  }

  private NodeClient client(String url) {
    NodeClient client = NodeClient.start(vertx, "client.mjs", List.of("--url", url));
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  private String editorUrl(JsonObject meeting) {
    return "ws://127.0.0.1:"
        + port
        + "/sync?token="
        + meeting.getJsonObject("tokens").getString("editor");
  }

  private void cleanUp() throws Exception {
    synchronized (clients) {
      clients.forEach(NodeClient::close);
    }
    if (loadTool != null) {
      loadTool.destroyForcibly();
    }
    if (server != null) {
      server.close();
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    try (var paths = Files.walk(workDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
