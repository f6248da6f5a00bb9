package dev.minutes.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario (f), the long meeting: {@code typists} authors type concurrently into one meeting at
 * {@code rate} until it holds {@code changes} keystrokes. The server's CPU per change is measured
 * over a {@code duration} window at the start and another at the end (same authors, same rate, only
 * the history differs); then, with everyone still connected, fresh clients join one after another,
 * each timed until it holds the whole document; then everyone leaves and the tool waits until the
 * server unloaded the meeting (its {@code minutes_open_documents} gauge at 0; servers without
 * metrics: {@code --unload-wait}), reading the server's RSS while open and after.
 */
final class LongMeetingScenario {
  private static final Logger log = LoggerFactory.getLogger(LongMeetingScenario.class);
  private static final int JOINERS = 3;
  private static final long POLL_MS = 500;
  private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

  private final Vertx vertx;
  private final LoadOptions options;
  private final DocumentSource documents;
  private final TypingScenario meeting;
  private final JoinScenario joins;
  private final ResourceMonitor monitor;

  /** Per member of the meeting: where each window's latency samples begin. */
  private final List<int[]> windowMarks = new ArrayList<>();

  LongMeetingScenario(
      Vertx vertx, LoadOptions options, WebSocketClient client, DocumentSource documents) {
    this.vertx = vertx;
    this.options = options;
    this.documents = documents;
    this.meeting = new TypingScenario(vertx, options, client, documents);
    this.joins = new JoinScenario(vertx, options, client, documents);
    this.monitor = new ResourceMonitor(vertx, options.serverPids());
  }

  Future<JsonObject> run() {
    JsonObject result =
        new JsonObject()
            .put("scenario", "long-meeting")
            .put("label", options.label())
            .put("server", options.server().toString())
            .put("typists", options.typists())
            .put("rate", options.rate())
            .put("changesAsked", options.changes())
            .put("serverRssBeforeBytes", monitor.serverRssNow());
    long windowChanges = Math.round(options.rate() * options.typists() * seconds());
    long started = System.nanoTime();
    return meeting
        .connectAll()
        .compose(
            v -> {
              log.info("{} authors hold the meeting; typing", options.typists());
              meeting.typists().forEach(t -> t.startTyping(options.rate()));
              return vertx.timer(options.warmup().toMillis()); // JIT, caches, as in typing runs
            })
        .compose(v -> window())
        .compose(
            start -> {
              result.put("start", start);
              return growTo(options.changes() - windowChanges, System.nanoTime());
            })
        .compose(v -> window())
        .compose(
            end -> {
              result.put("end", end);
              return Future.all(meeting.typists().stream().map(Typist::stopTyping).toList());
            })
        .compose(v -> meeting.drain(System.nanoTime() + options.drain().toNanos()))
        .compose(
            undelivered -> {
              result
                  .put("changes", changes())
                  .put("growSeconds", ResourceMonitor.round((System.nanoTime() - started) / 1e9))
                  .put("undeliveredAfterDrain", undelivered);
              putLatencies(result);
              return meeting.typists().get(0).heads();
            })
        .compose(
            heads -> {
              result.put("serverRssOpenBytes", monitor.serverRssNow());
              joins.writeState(target(), changes(), heads);
              return joins.timeJoins(
                  target(), heads, JOINERS, new ResourceMonitor(vertx, List.of()));
            })
        .compose(
            joined -> {
              result
                  .mergeIn(JoinScenario.joinsJson(joined))
                  .put("serverRssOpenPeakBytes", monitor.serverPeakRss())
                  .put("errors", meeting.wire().errors() + joins.wire().errors())
                  .put("wire", meeting.wire().toJson());
              return Future.join(meeting.members().stream().map(Typist::close).toList());
            })
        .compose(v -> awaitUnload(System.nanoTime()))
        .map(
            unloaded -> {
              monitor.stop();
              return result
                  .put("unloadedAfterSeconds", unloaded)
                  .put("serverRssAfterUnloadBytes", monitor.serverRssNow());
            });
  }

  /**
   * Typing measured for one window: the server's CPU per change typed in it, with the meeting's
   * size when it began; latencies are added at the end (late arrivals of the window's keystrokes
   * count).
   */
  private Future<JsonObject> window() {
    List<Typist> members = meeting.members();
    int[] marks = new int[members.size()];
    for (int i = 0; i < marks.length; i++) {
      marks[i] = members.get(i).latencies().count();
    }
    windowMarks.add(marks);
    long before = changes();
    meeting.typists().forEach(t -> t.measure(true));
    monitor.startWindow();
    return vertx
        .timer(options.duration().toMillis())
        .map(
            v -> {
              meeting.typists().forEach(t -> t.measure(false));
              monitor.endWindow();
              long typed = changes() - before;
              double cpu = monitor.serverCpuPercent();
              JsonObject window =
                  new JsonObject()
                      .put("changesBefore", before)
                      .put("changes", typed)
                      .put("seconds", ResourceMonitor.round(monitor.windowSeconds()))
                      .put(
                          "loadToolCpuPercent", ResourceMonitor.round(monitor.loadToolCpuPercent()))
                      .put("machineCpuPercent", ResourceMonitor.round(monitor.machineCpuPercent()));
              if (monitor.measuresServer()) {
                window
                    .put("serverCpuPercent", ResourceMonitor.round(cpu))
                    .put(
                        "serverCpuMsPerChange",
                        typed == 0
                            ? 0
                            : ResourceMonitor.round(cpu * 10 * monitor.windowSeconds() / typed))
                    .put("serverProcesses", monitor.perProcess());
              }
              log.info("window at {} changes: {}", before, window.encode());
              return window;
            });
  }

  /** Keeps the authors typing until the meeting holds {@code goal} keystrokes. */
  private Future<Void> growTo(long goal, long lastLog) {
    long now = System.nanoTime();
    long changes = changes();
    if (changes >= goal) {
      return Future.succeededFuture();
    }
    boolean report = now - lastLog >= PROGRESS_EVERY_NANOS;
    if (report) {
      log.info("the meeting holds {} of {} changes", changes, goal);
    }
    return vertx.timer(POLL_MS).compose(v -> growTo(goal, report ? now : lastLog));
  }

  /**
   * Seconds from the moment everyone left until the server unloaded the meeting (null if it had not
   * within --unload-wait, or the server reports no gauge: then after waiting all of it).
   */
  private Future<Double> awaitUnload(long left) {
    long waited = System.nanoTime() - left;
    if (waited >= options.unloadWait().toNanos()) {
      return Future.succeededFuture(null);
    }
    return documents
        .gauge("minutes_open_documents", 0)
        .transform(
            open ->
                open.succeeded() && open.result() == 0
                    ? Future.succeededFuture(ResourceMonitor.round(waited / 1e9))
                    : vertx.timer(POLL_MS).compose(v -> awaitUnload(left)));
  }

  private void putLatencies(JsonObject result) {
    List<Typist> members = meeting.members();
    String[] windows = {"start", "end"};
    for (int w = 0; w < windowMarks.size(); w++) {
      List<LongSamples> samples = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        LongSamples all = members.get(i).latencies();
        int to = w + 1 < windowMarks.size() ? windowMarks.get(w + 1)[i] : all.count();
        samples.add(all.slice(windowMarks.get(w)[i], to));
      }
      result
          .getJsonObject(windows[w])
          .put("latencyMs", TypingResult.latencyJson(LongSamples.percentiles(samples)));
    }
  }

  private long changes() {
    long total = 0;
    for (int seq : meeting.meetings().get(0).ledger.lastSeqs()) {
      total += seq;
    }
    return total;
  }

  private DocumentSource.Target target() {
    return meeting.meetings().get(0).target;
  }

  private double seconds() {
    return options.duration().toMillis() / 1000.0;
  }
}
