package dev.minutes.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario (c), late joiner: one client builds a meeting of {@code changes} one-character changes
 * and syncs it; then fresh clients join one after another and each is timed from connecting until
 * it holds the whole document (the seeder's heads). Scenario (d), fetch: the same timing for a
 * document that a previous late-joiner run stored (its --state file), e.g. right after the server
 * restarted.
 */
final class JoinScenario {
  private static final Logger log = LoggerFactory.getLogger(JoinScenario.class);
  private static final int JOINERS = 5;

  private final Vertx vertx;
  private final LoadOptions options;
  private final WebSocketClient client;
  private final DocumentSource documents;
  private final WireCounters wire = new WireCounters();

  JoinScenario(Vertx vertx, LoadOptions options, WebSocketClient client, DocumentSource documents) {
    this.vertx = vertx;
    this.options = options;
    this.client = client;
    this.documents = documents;
  }

  Future<JsonObject> lateJoiner() {
    ResourceMonitor monitor = new ResourceMonitor(vertx, options.serverPids());
    long seedStarted = System.nanoTime();
    return documents
        .create("late joiner", 0)
        .compose(
            target -> {
              Typist seeder =
                  new Typist(
                      vertx,
                      client,
                      documents.connectOptions(target, 0),
                      target.documentId(),
                      null,
                      0,
                      wire,
                      options.seed(),
                      options.fullSync());
              Optional<String> initial =
                  target.clientCreates()
                      ? Optional.of(TypingScenario.INITIAL_BODY)
                      : Optional.empty();
              return seeder
                  .start(initial)
                  .compose(v -> seeder.typeOffline(options.changes()))
                  .compose(
                      v -> {
                        seeder.flush();
                        return seeder.awaitInSync();
                      })
                  .compose(v -> seeder.heads())
                  .compose(
                      heads -> {
                        double seedSeconds = (System.nanoTime() - seedStarted) / 1e9;
                        log.info(
                            "seeded document {} with {} changes in {} s",
                            target.documentId(),
                            options.changes(),
                            seedSeconds);
                        writeState(target, options.changes(), heads);
                        return timeJoins(target, heads, JOINERS, monitor)
                            .map(
                                joins ->
                                    result("late-joiner", monitor, joins)
                                        .put("seedSeconds", ResourceMonitor.round(seedSeconds)));
                      })
                  .eventually(seeder::close);
            });
  }

  Future<JsonObject> fetch() {
    JsonObject state;
    try {
      state = new JsonObject(Files.readString(options.state().orElseThrow()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DocumentSource.Target target =
        new DocumentSource.Target(
            state.getString("documentId"), state.getString("token"), null, false);
    ResourceMonitor monitor = new ResourceMonitor(vertx, options.serverPids());
    // The first fetch finds the document cold; the second shows the same server warm.
    return timeJoins(target, state.getString("heads"), 2, monitor)
        .map(joins -> result("fetch", monitor, joins).put("changes", state.getInteger("changes")));
  }

  /**
   * One join: milliseconds from connecting until the joiner held the whole document, and until the
   * server's first sync message (with the document) arrived; the difference is the client loading
   * it.
   */
  record Join(double heldMs, double arrivedMs) {}

  /**
   * Fresh clients join the target one after another; each is timed from connecting until it holds
   * exactly {@code heads}. The monitor's window spans the joins; it is stopped at the end.
   */
  Future<List<Join>> timeJoins(
      DocumentSource.Target target, String heads, int count, ResourceMonitor monitor) {
    List<Join> millis = new ArrayList<>();
    monitor.startWindow();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < count; i++) {
      int index = i;
      chain =
          chain.compose(
              v -> {
                Typist joiner =
                    new Typist(
                        vertx,
                        client,
                        documents.connectOptions(target, index + 1),
                        target.documentId(),
                        null,
                        0,
                        wire,
                        options.seed() + 17 + index,
                        options.fullSync());
                long started = System.nanoTime();
                return joiner
                    .start(Optional.empty())
                    .compose(x -> joiner.awaitHeads(heads))
                    .map(
                        x -> {
                          millis.add(
                              new Join(
                                  (System.nanoTime() - started) / 1e6,
                                  (joiner.firstSyncNanos() - started) / 1e6));
                          return (Void) null;
                        })
                    .eventually(joiner::close);
              });
    }
    return chain.map(
        v -> {
          monitor.endWindow();
          monitor.stop();
          return millis;
        });
  }

  WireCounters wire() {
    return wire;
  }

  /** Each join's {@code heldMs} and {@code arrivedMs}, as two arrays. */
  static JsonObject joinsJson(List<Join> joins) {
    JsonArray held = new JsonArray();
    JsonArray arrived = new JsonArray();
    for (Join join : joins) {
      held.add(ResourceMonitor.round(join.heldMs()));
      arrived.add(ResourceMonitor.round(join.arrivedMs()));
    }
    return new JsonObject().put("joinMs", held).put("arrivedMs", arrived);
  }

  private JsonObject result(String scenario, ResourceMonitor monitor, List<Join> joins) {
    List<Double> sorted = joins.stream().map(Join::heldMs).sorted().toList();
    JsonObject result =
        new JsonObject()
            .put("scenario", scenario)
            .put("label", options.label())
            .put("server", options.server().toString())
            .put("changes", options.changes())
            .mergeIn(joinsJson(joins))
            .put("firstJoinMs", ResourceMonitor.round(joins.get(0).heldMs()))
            .put("medianJoinMs", ResourceMonitor.round(sorted.get(sorted.size() / 2)))
            .put("loadToolCpuPercent", ResourceMonitor.round(monitor.loadToolCpuPercent()))
            .put("wire", wire.toJson())
            .put("errors", wire.errors());
    if (monitor.measuresServer()) {
      result
          .put("serverCpuPercent", ResourceMonitor.round(monitor.serverCpuPercent()))
          .put("serverPeakRssBytes", monitor.serverPeakRss())
          .put("serverProcesses", monitor.perProcess());
    }
    return result;
  }

  /**
   * Writes what a later fetch (or {@code src/test/node/late-joiner.mjs}) needs to join the document
   * into the --state file, if one was given.
   */
  void writeState(DocumentSource.Target target, long changes, String heads) {
    if (options.state().isEmpty()) {
      return;
    }
    JsonObject state =
        new JsonObject()
            .put("documentId", target.documentId())
            .put("token", target.token())
            .put("protocolOnly", target.clientCreates())
            .put("changes", changes)
            .put("heads", heads);
    try {
      Files.writeString(options.state().get(), state.encodePrettily());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
