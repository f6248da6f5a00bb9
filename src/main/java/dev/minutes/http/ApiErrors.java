package dev.minutes.http;

import dev.minutes.meeting.MeetingException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become HTTP answers: {@code {"error": code, "message": text}} with a
 * precise status. Expected refusals are logged at WARN without a stack trace; anything else is a
 * bug, logged at ERROR with its cause and answered 500.
 */
final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {}

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof MeetingException e) {
      if (e.getCause() != null) {
        // The answer says only "unavailable"; the operator needs to know why.
        log.warn(
            "{} {} answered {} {}: {}",
            ctx.request().method(),
            ctx.normalizedPath(),
            e.kind().status(),
            e.code(),
            e.getCause().getMessage());
      }
      send(ctx, e.kind().status(), e.code(), e.getMessage());
    } else if (failure instanceof DecodeException) {
      send(ctx, 400, "malformed_json", "the body is not valid JSON");
    } else if (failure instanceof HttpException e && e.getStatusCode() == 413 || status == 413) {
      send(ctx, 413, "body_too_large", "the request body is larger than the configured limit");
    } else if (failure instanceof HttpException e) {
      send(
          ctx,
          e.getStatusCode(),
          "http_" + e.getStatusCode(),
          e.getPayload() != null ? e.getPayload() : "request refused");
    } else if (failure == null && status >= 400) {
      send(ctx, status, "http_" + status, "request refused");
    } else {
      log.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
      send(ctx, 500, "internal_error", "the server failed; the error is logged");
    }
  }

  static void send(RoutingContext ctx, int status, String code, String message) {
    if (status < 500) {
      // The path never contains a token (tokens travel in headers or the query, which is not
      // logged).
      log.warn(
          "refused {} {}: {} {} ({})",
          ctx.request().method(),
          ctx.normalizedPath(),
          status,
          code,
          message);
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(new JsonObject().put("error", code).put("message", message).encode());
  }
}
