package dev.minutes.http;

import dev.minutes.meeting.MeetingException;
import dev.minutes.meeting.MeetingException.Kind;
import dev.minutes.meeting.Tokens;
import dev.minutes.publish.PublishOperations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Operator routes behind {@code Authorization: Bearer <MINUTES_OPERATOR_TOKEN>}. Without a
 * configured token they answer 403 to everyone; a missing or wrong token is 401.
 *
 * <ul>
 *   <li>{@code GET /api/operator/publish/failed[?limit=n]}: {@code {"failed": [...]}}, most recent
 *       first
 *   <li>{@code POST /api/operator/publish/{jobId}/retry}: 202 {@code {"jobId", "state":
 *       "pending"}}; 404 for an unknown job, 409 for a job that has not failed
 * </ul>
 */
final class OperatorRoutes {
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Optional<String> tokenHash;
  private final PublishOperations publish;

  OperatorRoutes(Optional<String> operatorToken, PublishOperations publish) {
    this.tokenHash = operatorToken.map(Tokens::hash);
    this.publish = publish;
  }

  void mount(Router router) {
    router.get("/api/operator/publish/failed").handler(this::failed);
    router.post("/api/operator/publish/:jobId/retry").handler(this::retry);
  }

  private void failed(RoutingContext ctx) {
    authorize(ctx)
        .compose(v -> publish.failedJobs(limit(ctx)))
        .onSuccess(jobs -> json(ctx, 200, new JsonObject().put("failed", new JsonArray(jobs))))
        .onFailure(ctx::fail);
  }

  private void retry(RoutingContext ctx) {
    String jobId = ctx.pathParam("jobId");
    authorize(ctx)
        .compose(v -> publish.retry(jobId))
        .compose(
            result ->
                switch (result) {
                  case REQUEUED ->
                      Future.succeededFuture(
                          new JsonObject().put("jobId", jobId).put("state", "pending"));
                  case UNKNOWN_JOB ->
                      Future.<JsonObject>failedFuture(
                          new MeetingException(
                              Kind.NOT_FOUND, "unknown_job", "no publish job '" + jobId + "'"));
                  case NOT_FAILED ->
                      Future.<JsonObject>failedFuture(
                          new MeetingException(
                              Kind.CONFLICT,
                              "job_not_failed",
                              "publish job '" + jobId + "' has not failed"));
                })
        .onSuccess(body -> json(ctx, 202, body))
        .onFailure(ctx::fail);
  }

  private Future<Void> authorize(RoutingContext ctx) {
    if (tokenHash.isEmpty()) {
      return Future.failedFuture(
          new MeetingException(
              Kind.FORBIDDEN,
              "operator_disabled",
              "operator routes are disabled: set MINUTES_OPERATOR_TOKEN to enable them"));
    }
    String presented = MeetingRoutes.bearer(ctx);
    if (presented == null) {
      return Future.failedFuture(
          new MeetingException(
              Kind.UNAUTHORIZED,
              "missing_token",
              "send the operator token as 'Authorization: Bearer <token>'"));
    }
    if (!Tokens.matches(presented, tokenHash.get())) {
      return Future.failedFuture(
          new MeetingException(
              Kind.UNAUTHORIZED, "invalid_token", "the operator token is not valid"));
    }
    return Future.succeededFuture();
  }

  private static int limit(RoutingContext ctx) {
    String value = ctx.request().getParam("limit");
    if (value == null) {
      return DEFAULT_LIMIT;
    }
    try {
      return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(value)));
    } catch (NumberFormatException e) {
      throw new MeetingException(Kind.INVALID, "invalid_limit", "limit must be an integer");
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }
}
