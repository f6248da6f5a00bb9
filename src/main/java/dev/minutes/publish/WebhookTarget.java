package dev.minutes.publish;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * POSTs the publication to the configured URL, signed per Standard Webhooks: {@code webhook-id}
 * (the job's, the same on every attempt), {@code webhook-timestamp} (this attempt's, seconds) and
 * {@code webhook-signature} over {@code id.timestamp.body}.
 *
 * <p>Only a 2xx answer delivers. Every other answer (redirects included: they are never followed),
 * timeout and connection error is retried, with the answer's {@code Retry-After} if it sent one:
 * the contract leaves giving up to the retry policy, days later, so a receiver that is
 * misconfigured for an afternoon (a 404 during a deployment, a 401 while a secret is rotated) still
 * gets the minutes.
 *
 * <p>Safety: the URL comes from configuration only. Connecting and waiting for the answer are each
 * bounded by the configured timeout, and the whole attempt by twice that; at most {@value
 * #RESPONSE_LIMIT} bytes of an answer are read. The URL's path and query (which may hold a
 * credential) and the secrets never reach messages: errors name the host only.
 */
public final class WebhookTarget implements PublishTarget {
  /** Bytes of a response body kept (for {@code lastError}); the rest is not read. */
  static final int RESPONSE_LIMIT = 4096;

  private static final int ERROR_DETAIL_CHARS = 200;

  private final HttpClient client;
  private final URI url;
  private final WebhookSigner signer;
  private final Duration timeout;
  private final Clock clock;

  public WebhookTarget(
      HttpClient client, URI url, WebhookSigner signer, Duration timeout, Clock clock) {
    this.client = client;
    this.url = url;
    this.signer = signer;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public String location(String fileName) {
    return url.getHost();
  }

  @Override
  public Future<DeliveryResult> deliver(PublishJob job) {
    long timestamp = clock.instant().getEpochSecond();
    long millis = timeout.toMillis();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(url.toString())
            .setConnectTimeout(millis)
            .setIdleTimeout(millis)
            .setFollowRedirects(false)
            .putHeader("content-type", "application/json")
            .putHeader("user-agent", "minutes-publish")
            .putHeader("webhook-id", job.webhookId())
            .putHeader("webhook-timestamp", Long.toString(timestamp))
            .putHeader("webhook-signature", signer.sign(job.webhookId(), timestamp, job.body()));
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    return client
        .request(options)
        .compose(
            request -> {
              sent.set(request);
              return request.send(Buffer.buffer(job.body()));
            })
        .compose(response -> readLimited(response).map(body -> classify(response, body)))
        .timeout(2 * millis, TimeUnit.MILLISECONDS)
        .recover(
            failure -> {
              HttpClientRequest request = sent.get();
              if (request != null) {
                // Abandon the exchange so a receiver that never answers does not keep the
                // connection.
                request.reset();
              }
              return Future.succeededFuture(DeliveryResult.retryable(describe(failure)));
            });
  }

  private DeliveryResult classify(HttpClientResponse response, String body) {
    int status = response.statusCode();
    String detail = "HTTP " + status + excerpt(body);
    if (status >= 200 && status < 300) {
      return DeliveryResult.delivered(detail);
    }
    return DeliveryResult.retryable(
        detail, RetryAfter.parse(response.getHeader("retry-after"), clock.instant()));
  }

  /** At most {@link #RESPONSE_LIMIT} bytes of the body; past that the exchange is abandoned. */
  private static Future<String> readLimited(HttpClientResponse response) {
    Promise<String> promise = Promise.promise();
    Buffer kept = Buffer.buffer();
    response.handler(
        chunk -> {
          if (promise.future().isComplete()) {
            return;
          }
          int room = RESPONSE_LIMIT - kept.length();
          kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
          if (kept.length() >= RESPONSE_LIMIT) {
            promise.tryComplete(kept.toString());
            response.request().reset();
          }
        });
    response.endHandler(v -> promise.tryComplete(kept.toString()));
    // The status line and headers are in; a body cut short does not change the answer.
    response.exceptionHandler(failure -> promise.tryComplete(kept.toString()));
    return promise.future();
  }

  private static String excerpt(String body) {
    String line = body.replaceAll("\\s+", " ").strip();
    if (line.isEmpty()) {
      return "";
    }
    return ": "
        + (line.length() > ERROR_DETAIL_CHARS ? line.substring(0, ERROR_DETAIL_CHARS) + "…" : line);
  }

  private String describe(Throwable failure) {
    String kind =
        failure instanceof java.util.concurrent.TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")
            ? "timed out"
            : "failed";
    String message = String.valueOf(failure.getMessage());
    String path = url.getRawPath();
    if (path != null && path.length() > 1) {
      message = message.replace(path, "/…");
    }
    if (url.getRawQuery() != null) {
      message = message.replace(url.getRawQuery(), "…");
    }
    return "request to " + url.getHost() + " " + kind + ": " + message;
  }
}
