package dev.minutes.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what an HTTP connection may cost before it does useful work (slow-loris). The server runs
 * without an idle timeout, because a WebSocket of a quiet meeting may carry nothing for a long
 * time; so without this a client could hold a socket forever by sending a request's headers or body
 * a byte at a time, or by connecting and sending nothing.
 *
 * <p>A new connection gets {@code requestTimeout} to deliver a whole request (headers and body).
 * After each response it gets {@code keepAliveTimeout} to deliver the next one: longer, because
 * clients keep idle connections for reuse and a close racing a reuse fails that request. A
 * WebSocket upgrade request is exempt from the moment its headers are complete: what follows (the
 * token check, the socket's life) is bounded elsewhere. When the deadline passes, the connection is
 * closed.
 */
public final class RequestDeadline {
  private static final Logger log = LoggerFactory.getLogger(RequestDeadline.class);

  private final Vertx vertx;
  private final long requestMillis;
  private final long keepAliveMillis;
  private final Counter expired;
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  public RequestDeadline(
      Vertx vertx, Duration requestTimeout, Duration keepAliveTimeout, MeterRegistry registry) {
    this.vertx = vertx;
    this.requestMillis = requestTimeout.toMillis();
    this.keepAliveMillis = keepAliveTimeout.toMillis();
    this.expired =
        Counter.builder("minutes_http_request_timeouts")
            .description("connections closed for not delivering a request in time (slow-loris)")
            .register(registry);
  }

  /** The server's connection handler: starts the clock of a new connection. */
  public void onConnection(HttpConnection connection) {
    connection.closeHandler(v -> disarm(connection));
    arm(connection, requestMillis);
  }

  /**
   * The router's first handler: stops the clock once the request is complete, restarts it after the
   * response.
   */
  void onRequest(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpConnection connection = request.connection();
    boolean upgrade = request.canUpgradeToWebSocket();
    if (upgrade) {
      disarm(connection);
    } else {
      request.end().onSuccess(v -> disarm(connection));
    }
    ctx.addEndHandler(
        ar -> {
          // A refused upgrade leaves an ordinary HTTP connection behind; an accepted one is a
          // WebSocket.
          boolean stillHttp = upgrade ? ctx.response().getStatusCode() >= 400 : request.isEnded();
          if (stillHttp) {
            arm(connection, keepAliveMillis);
          }
        });
    ctx.next();
  }

  private void arm(HttpConnection connection, long millis) {
    long timer =
        vertx.setTimer(
            millis,
            id -> {
              if (timers.remove(connection, id)) {
                expired.increment();
                log.debug(
                    "closing connection from {}: no complete request within {} ms",
                    connection.remoteAddress(),
                    millis);
                connection.close();
              }
            });
    Long previous = timers.put(connection, timer);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
  }

  private void disarm(HttpConnection connection) {
    Long timer = timers.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
