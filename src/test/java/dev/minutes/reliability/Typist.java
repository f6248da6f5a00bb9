package dev.minutes.reliability;

import static dev.minutes.support.NodeClient.cmd;

import dev.minutes.support.NodeClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One official automerge-repo client that types unique tokens at the end of the body, one change
 * per token, and after each one asks the server to confirm it stored everything ({@code
 * waitSaved}). A token counts as acknowledged once a {@code waitSaved} sent after it succeeded: the
 * server's announced heads then contained it. Failed confirmations (server or Redis down) are not
 * errors; the typist keeps typing offline and the client reconnects by itself.
 *
 * <p>The loop runs on the client's Vert.x context; the counters may be read from any thread.
 */
final class Typist {
  private final Vertx vertx;
  private final NodeClient client;
  private final String name;
  private final long pauseMillis;
  private final long saveTimeoutMillis;
  private final List<String> typed = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> finished = Promise.promise();
  private int acknowledged;
  private volatile boolean stopping;

  private record Waiter(int count, Promise<Void> reached) {}

  Typist(Vertx vertx, NodeClient client, String name, long pauseMillis, long saveTimeoutMillis) {
    this.vertx = vertx;
    this.client = client;
    this.name = name;
    this.pauseMillis = pauseMillis;
    this.saveTimeoutMillis = saveTimeoutMillis;
  }

  /**
   * An official client for typing through crashes: it reconnects every 100 ms and passes {@code
   * --drop-sends-while-closing} (see client.mjs: a cut at the wrong moment breaks the official
   * client otherwise).
   */
  static NodeClient client(Vertx vertx, String syncUrl) {
    return NodeClient.start(
        vertx,
        "client.mjs",
        List.of("--url", syncUrl, "--retry-ms", "100", "--drop-sends-while-closing"));
  }

  /** Opens the document and starts typing. */
  Future<Void> start(String documentUrl) {
    return client
        .command(cmd("find").put("url", documentUrl).put("timeoutMs", 30_000))
        .onSuccess(found -> next())
        .mapEmpty();
  }

  private void next() {
    if (stopping) {
      finished.tryComplete();
      return;
    }
    String token = " " + name + "-" + typedCount() + ";";
    client
        .command(cmd("type").put("text", token).put("at", "end").put("perChange", token.length()))
        .onSuccess(typedReply -> record(token))
        .compose(typedReply -> confirm(saveTimeoutMillis))
        .onComplete(ar -> vertx.setTimer(pauseMillis, id -> next()));
  }

  /** waitSaved: on success every token typed before it is acknowledged. */
  Future<Void> confirm(long timeoutMillis) {
    int covered = typedCount();
    return client
        .command(cmd("waitSaved").put("timeoutMs", timeoutMillis))
        .onSuccess(saved -> acknowledge(covered))
        .mapEmpty();
  }

  /** Stops after the current token; completes when the loop has ended. */
  Future<Void> stop() {
    stopping = true;
    return finished.future();
  }

  /** Completes once at least {@code count} tokens are acknowledged. */
  synchronized Future<Void> acknowledgedAtLeast(int count) {
    if (acknowledged >= count) {
      return Future.succeededFuture();
    }
    Promise<Void> reached = Promise.promise();
    waiters.add(new Waiter(count, reached));
    return reached.future();
  }

  synchronized int acknowledgedCount() {
    return acknowledged;
  }

  synchronized int typedCount() {
    return typed.size();
  }

  synchronized List<String> acknowledgedTokens() {
    return List.copyOf(typed.subList(0, acknowledged));
  }

  private synchronized void record(String token) {
    typed.add(token);
  }

  private synchronized void acknowledge(int covered) {
    acknowledged = Math.max(acknowledged, covered);
    waiters.removeIf(w -> acknowledged >= w.count() && w.reached().tryComplete());
  }

  NodeClient client() {
    return client;
  }
}
