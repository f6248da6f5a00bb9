package dev.minutes.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenarios (a) and (b) with the clients browsers run: typists (and watchers) that are Automerge
 * 3.5 replicas in Node worker processes ({@code src/loadtool/node}), either speaking the protocol
 * themselves ({@code --clients js}) or as the official automerge-repo Repo ({@code --clients
 * repo}). This tool creates the meetings, hands the clients out to the workers round robin, relays
 * every keystroke's ledger entry to the workers that host the meeting's other members, and reports
 * like {@link TypingScenario}, with each worker's CPU: a worker whose main thread is near a whole
 * core limits the run, and the report says so.
 */
final class JsTypingScenario {
  private static final Logger log = LoggerFactory.getLogger(JsTypingScenario.class);

  /** Clients per worker when --workers is not given, and the most workers chosen that way. */
  private static final int CLIENTS_PER_WORKER = 10;

  private static final int MAX_DEFAULT_WORKERS = 8;

  /** A worker's main thread above this share of a core was the run's limit. */
  static final double SATURATED_PERCENT = 90;

  private final Vertx vertx;
  private final Context context;
  private final LoadOptions options;
  private final DocumentSource documents;
  private final List<Meeting> meetings = new ArrayList<>();
  private NodeWorkers workers;

  /**
   * One meeting: its document, its typists' last keystroke numbers (= keystrokes typed), measured
   * keystrokes, hosting workers.
   */
  private static final class Meeting {
    final int index;
    volatile String documentId;

    /** The body its members held before typing started. */
    volatile String initialBody;

    final int authors;
    final int members;
    final AtomicLongArray lastSeq;
    final AtomicLongArray measured;
    final Set<Integer> workers = new ConcurrentSkipListSet<>();

    Meeting(int index, int authors, int members) {
      this.index = index;
      this.authors = authors;
      this.members = members;
      this.lastSeq = new AtomicLongArray(authors);
      this.measured = new AtomicLongArray(authors);
    }
  }

  JsTypingScenario(Vertx vertx, LoadOptions options, DocumentSource documents) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.documents = documents;
  }

  Future<JsonObject> run() {
    ResourceMonitor monitor = new ResourceMonitor(vertx, options.serverPids());
    long rssBefore = monitor.serverRssNow();
    int clients = options.typists() + meetingCount() * options.watchers();
    int count =
        options.workers() > 0
            ? options.workers()
            : Math.min(
                MAX_DEFAULT_WORKERS, (clients + CLIENTS_PER_WORKER - 1) / CLIENTS_PER_WORKER);
    try {
      workers =
          NodeWorkers.start(
              context,
              options.nodeDir().orElseGet(JsTypingScenario::defaultNodeDir),
              options.clients() == LoadOptions.Clients.JS ? "raw" : "repo",
              Math.min(count, clients),
              this::typed);
    } catch (IllegalStateException e) {
      return Future.failedFuture(e);
    }
    monitor.addToolProcesses(workers.pids());
    return connectAll()
        .compose(
            v -> {
              log.info(
                  "{} clients in {} meetings on {} Node workers hold their documents; typing",
                  clients,
                  meetings.size(),
                  workers.size());
              return workers.callAll(command("type").put("rate", options.rate()));
            })
        .compose(v -> vertx.timer(options.warmup().toMillis()))
        .compose(v -> workers.callAll(command("measure").put("on", true)))
        .compose(
            v -> {
              monitor.startWindow();
              return vertx.timer(options.duration().toMillis());
            })
        .compose(v -> workers.callAll(command("measure").put("on", false)))
        .compose(
            v -> {
              monitor.endWindow();
              return workers.callAll(command("stop"));
            })
        .compose(v -> drain(System.nanoTime() + options.drain().toNanos()))
        .compose(
            undelivered -> {
              monitor.stop();
              return workers
                  .callAll(command("report"))
                  .map(reports -> result(monitor, reports, undelivered, rssBefore));
            })
        .eventually(() -> workers.callAll(command("close")))
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      workers.close();
                      return null;
                    }));
  }

  private int meetingCount() {
    return (options.typists() + options.meetingSize() - 1) / options.meetingSize();
  }

  /** Meetings one after another; within one, every worker connects its members at once. */
  private Future<Void> connectAll() {
    Future<Void> chain = Future.succeededFuture();
    int remaining = options.typists();
    int firstClient = 0;
    for (int m = 0; m < meetingCount(); m++) {
      int authors = Math.min(options.meetingSize(), remaining);
      remaining -= authors;
      Meeting meeting = new Meeting(m, authors, authors + options.watchers());
      meetings.add(meeting);
      int first = firstClient;
      firstClient += meeting.members;
      chain = chain.compose(v -> connectMeeting(meeting, first));
    }
    return chain;
  }

  private Future<Void> connectMeeting(Meeting meeting, int firstClient) {
    int node = options.meetingPlacement() ? meeting.index : firstClient;
    return documents
        .create("load meeting " + meeting.index, node)
        .compose(
            target ->
                target.clientCreates()
                    ? workers
                        .call(
                            workerOf(firstClient),
                            command("seed")
                                .put("url", documents.url(target, node, false))
                                .put("documentId", target.documentId())
                                .put("body", TypingScenario.INITIAL_BODY))
                        .map(target)
                    : Future.succeededFuture(target))
        .compose(
            target -> {
              meeting.documentId = target.documentId();
              Map<Integer, JsonArray> byWorker = new TreeMap<>();
              for (int member = 0; member < meeting.members; member++) {
                int client = firstClient + member;
                boolean watcher = member >= meeting.authors;
                int worker = workerOf(client);
                meeting.workers.add(worker);
                byWorker
                    .computeIfAbsent(worker, w -> new JsonArray())
                    .add(
                        new JsonObject()
                            .put("client", client)
                            .put("meeting", meeting.index)
                            .put("authors", meeting.authors)
                            .put("author", watcher ? -1 : member)
                            .put(
                                "url",
                                documents.url(
                                    target,
                                    options.meetingPlacement() ? meeting.index : client,
                                    watcher))
                            .put("documentId", target.documentId())
                            .put("seed", (int) (options.seed() * 1_000_003L + client)));
              }
              List<Future<JsonObject>> connected = new ArrayList<>();
              byWorker.forEach(
                  (worker, specs) ->
                      connected.add(
                          workers.call(worker, command("connect").put("clients", specs))));
              return Future.all(connected)
                  .map(
                      all -> {
                        meeting.initialBody = connected.get(0).result().getString("body");
                        return null;
                      });
            });
  }

  private int workerOf(int client) {
    return client % workers.size();
  }

  /**
   * A worker's keystroke (on its reader thread): counted, and passed on to the other workers that
   * host members of its meeting.
   */
  private void typed(int worker, JsonObject event, String line) {
    Meeting meeting = meetings.get(event.getInteger("meeting"));
    int author = event.getInteger("author");
    meeting.lastSeq.accumulateAndGet(author, event.getLong("seq"), Math::max);
    if (event.getLong("sentAt") >= 0) {
      meeting.measured.incrementAndGet(author);
    }
    String relayed = "{\"cmd\":\"ledger\"," + line.substring(line.indexOf(',') + 1);
    for (int other : meeting.workers) {
      if (other != worker) {
        workers.send(other, relayed);
      }
    }
  }

  /** Waits until every client holds every keystroke of its meeting, or the deadline. */
  private Future<Long> drain(long deadline) {
    return workers
        .callAll(command("known"))
        .compose(
            replies -> {
              long missing = 0;
              for (JsonObject reply : replies) {
                for (Object each : reply.getJsonArray("clients")) {
                  JsonObject client = (JsonObject) each;
                  Meeting meeting = meetings.get(client.getInteger("meeting"));
                  JsonArray known = client.getJsonArray("known");
                  for (int a = 0; a < meeting.authors; a++) {
                    missing += Math.max(0, meeting.lastSeq.get(a) - known.getLong(a));
                  }
                }
              }
              if (missing == 0 || System.nanoTime() >= deadline) {
                return Future.succeededFuture(missing);
              }
              return vertx.timer(100).compose(t -> drain(deadline));
            });
  }

  private JsonObject result(
      ResourceMonitor monitor, List<JsonObject> reports, long undelivered, long rssBefore) {
    LongSamples samples = new LongSamples();
    LongSamples toWatchers = new LongSamples();
    JsonObject wire = new JsonObject();
    long errors = 0;
    for (JsonObject report : reports) {
      addMillis(samples, report.getJsonArray("latenciesMs"));
      addMillis(toWatchers, report.getJsonArray("watcherLatenciesMs"));
      JsonObject counts = report.getJsonObject("wire");
      for (String field : counts.fieldNames()) {
        wire.put(field, wire.getLong(field, 0L) + counts.getLong(field));
      }
      errors +=
          counts.getLong("refusals")
              + counts.getLong("docUnavailable")
              + counts.getLong("socketErrors");
    }
    long keystrokes = 0;
    long expected = 0;
    for (Meeting meeting : meetings) {
      for (int a = 0; a < meeting.authors; a++) {
        keystrokes += meeting.measured.get(a);
        expected += meeting.measured.get(a) * (meeting.members - 1);
      }
    }
    JsonArray processes = monitor.toolProcesses();
    boolean saturated =
        processes.stream()
            .map(JsonObject.class::cast)
            .anyMatch(p -> p.getDouble("mainThreadCpuPercent") >= SATURATED_PERCENT);
    if (saturated) {
      log.warn(
          "a Node worker's main thread was at {} % of a core or more: the tool limited this run;"
              + " give it more --workers (or fewer clients)",
          SATURATED_PERCENT);
    }
    return TypingResult.of(
            options,
            monitor,
            meetings.size(),
            keystrokes,
            expected,
            LongSamples.percentiles(List.of(samples, toWatchers)),
            LongSamples.percentiles(List.of(toWatchers)),
            undelivered,
            rssBefore,
            wire,
            errors)
        .put("workers", workers.size())
        .put("loadToolOwnCpuPercent", ResourceMonitor.round(monitor.ownCpuPercent()))
        .put("toolProcesses", processes)
        .put("toolSaturated", saturated)
        .put("documents", documents());
  }

  private static void addMillis(LongSamples samples, JsonArray millis) {
    for (Object ms : millis) {
      samples.add(Math.round(((Number) ms).doubleValue() * 1e6));
    }
  }

  /**
   * Each meeting's document, its body before typing and how many keystrokes each of its typists
   * made in all (warm-up included; typist n types the n-th letter): what its stored minutes must
   * hold.
   */
  private JsonArray documents() {
    JsonArray out = new JsonArray();
    for (Meeting meeting : meetings) {
      JsonArray typed = new JsonArray();
      for (int a = 0; a < meeting.authors; a++) {
        typed.add(meeting.lastSeq.get(a));
      }
      out.add(
          new JsonObject()
              .put("documentId", meeting.documentId)
              .put("initialBody", meeting.initialBody)
              .put("typed", typed));
    }
    return out;
  }

  private static JsonObject command(String name) {
    return new JsonObject().put("cmd", name);
  }

  /** src/loadtool/node of the checkout this tool was built in (target/ is beside src/). */
  static Path defaultNodeDir() {
    try {
      Path built =
          Path.of(
              JsTypingScenario.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return built.getParent().getParent().resolve("src/loadtool/node");
    } catch (URISyntaxException e) {
      return Path.of("src/loadtool/node");
    }
  }
}
