package dev.minutes.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real webhook receiver for tests: a Vert.x HTTP server on a free loopback port that checks every
 * request with {@link StandardWebhooksVerifier}, records it, and answers as scripted (a queue of
 * answers, then a fallback the test may change at any time). Tests wait on {@link #when} instead of
 * sleeping.
 */
public final class WebhookReceiver {
  /** One request as received. {@code status} is the answer given, 0 when it was left unanswered. */
  public record Received(
      String webhookId,
      String timestamp,
      String signature,
      String body,
      String problem,
      int status) {
    public boolean accepted() {
      return status >= 200 && status < 300;
    }

    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** How to answer one request: a status with headers, or never. */
  public record Answer(int status, Map<String, String> headers) {
    public static Answer status(int status) {
      return new Answer(status, Map.of());
    }

    public static Answer status(int status, String header, String value) {
      return new Answer(status, Map.of(header, value));
    }

    /** Keep the request open without ever answering. */
    public static Answer never() {
      return new Answer(0, Map.of());
    }
  }

  private record Waiter(Predicate<List<Received>> condition, Promise<List<Received>> promise) {}

  private final StandardWebhooksVerifier verifier;
  private final Deque<Answer> script = new ArrayDeque<>();
  private final List<Received> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private Answer fallback = Answer.status(200);
  private HttpServer server;

  private WebhookReceiver(StandardWebhooksVerifier verifier) {
    this.verifier = verifier;
  }

  public static Future<WebhookReceiver> start(Vertx vertx, StandardWebhooksVerifier verifier) {
    WebhookReceiver receiver = new WebhookReceiver(verifier);
    return vertx
        .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(receiver::handle)
        .listen()
        .map(
            server -> {
              receiver.server = server;
              return receiver;
            });
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks/minutes";
  }

  /** Answers the next requests with these, in order; afterwards the fallback applies. */
  public synchronized WebhookReceiver script(Answer... answers) {
    script.addAll(List.of(answers));
    return this;
  }

  /** The answer once the script is used up. */
  public synchronized WebhookReceiver otherwise(Answer answer) {
    fallback = answer;
    return this;
  }

  public synchronized List<Received> received() {
    return List.copyOf(received);
  }

  public synchronized List<Received> accepted() {
    return received.stream().filter(Received::accepted).toList();
  }

  /** Completes (with all requests so far) once the requests received satisfy {@code condition}. */
  public synchronized Future<List<Received>> when(Predicate<List<Received>> condition) {
    if (condition.test(received)) {
      return Future.succeededFuture(List.copyOf(received));
    }
    Promise<List<Received>> promise = Promise.promise();
    waiters.add(new Waiter(condition, promise));
    return promise.future();
  }

  /** Completes once {@code n} requests have arrived. */
  public Future<List<Received>> requests(int n) {
    return when(all -> all.size() >= n);
  }

  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest request) {
    request
        .body()
        .onSuccess(
            body -> {
              Answer answer;
              synchronized (this) {
                answer = script.isEmpty() ? fallback : script.poll();
                received.add(
                    new Received(
                        request.getHeader("webhook-id"),
                        request.getHeader("webhook-timestamp"),
                        request.getHeader("webhook-signature"),
                        body.toString(),
                        verifier.problem(
                            request.getHeader("webhook-id"),
                            request.getHeader("webhook-timestamp"),
                            request.getHeader("webhook-signature"),
                            body.getBytes(),
                            Instant.now()),
                        answer.status()));
                List<Waiter> ready =
                    waiters.stream().filter(w -> w.condition().test(received)).toList();
                waiters.removeAll(ready);
                List<Received> snapshot = List.copyOf(received);
                ready.forEach(w -> w.promise().complete(snapshot));
              }
              if (answer.status() == 0) {
                return;
              }
              answer.headers().forEach((name, value) -> request.response().putHeader(name, value));
              request.response().setStatusCode(answer.status()).end("answer " + answer.status());
            });
  }
}
