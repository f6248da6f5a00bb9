package dev.minutes.http;

import dev.minutes.meeting.MeetingService;
import dev.minutes.publish.PublishOperations;
import dev.minutes.series.SeriesService;
import dev.minutes.sync.ConnectionLimits;
import dev.minutes.sync.PeerDirectory;
import dev.minutes.sync.ServerIdentity;
import dev.minutes.sync.SessionRegistry;
import dev.minutes.sync.SyncMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Builds the node's router: API, sync endpoint, health, metrics and the page. */
public final class HttpApi {
  /** No inline scripts; wasm needs 'wasm-unsafe-eval'; CodeMirror injects style elements. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
          + "style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; "
          + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private HttpApi() {}

  /** Everything the router needs. */
  public record Parts(
      MeetingService meetings,
      SeriesService series,
      SessionRegistry sessions,
      PeerDirectory directory,
      ServerIdentity identity,
      SyncMetrics syncMetrics,
      PrometheusMeterRegistry registry,
      Supplier<Future<Boolean>> redisReady,
      Optional<String> createToken,
      Optional<URI> publicUrl,
      List<String> allowedOrigins,
      TrustedProxies trustedProxies,
      long maxHttpBodyBytes,
      ConnectionLimits limits,
      Optional<String> operatorToken,
      PublishOperations publishOperations,
      RequestDeadline requestDeadline) {}

  public static Router router(Vertx vertx, Parts parts) {
    Router router = Router.router(vertx);
    router.route().handler(parts.requestDeadline()::onRequest);
    router.route().handler(HttpApi::securityHeaders);
    new SyncRoute(
            parts.meetings(),
            parts.sessions(),
            parts.directory(),
            parts.identity(),
            parts.syncMetrics(),
            parts.limits(),
            parts.allowedOrigins(),
            parts.trustedProxies())
        .mount(router);
    // Operator routes first: the meetings routes end with the catch-all 404 for /api/*.
    new OperatorRoutes(parts.operatorToken(), parts.publishOperations()).mount(router);
    LinkBase links = new LinkBase(parts.publicUrl(), parts.trustedProxies());
    new SeriesRoutes(parts.series(), parts.createToken(), links)
        .mount(router, parts.maxHttpBodyBytes());
    new ExportRoutes(parts.meetings()).mount(router);
    new MeetingRoutes(parts.meetings(), parts.createToken(), links)
        .mount(router, parts.maxHttpBodyBytes());
    router.get("/health/live").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router
        .get("/health/ready")
        .handler(
            ctx ->
                parts
                    .redisReady()
                    .get()
                    .otherwise(false)
                    .onSuccess(up -> json(ctx, up ? 200 : 503, readiness(up))));
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(parts.registry().scrape()));
    router.get("/m/*").handler(ctx -> ctx.reroute("/index.html"));
    router.get("/s/*").handler(ctx -> ctx.reroute("/index.html"));
    PageRoutes.mount(router);
    return router;
  }

  private static void securityHeaders(RoutingContext ctx) {
    ctx.response()
        .headers()
        .set("content-security-policy", CONTENT_SECURITY_POLICY)
        .set("x-content-type-options", "nosniff")
        .set("referrer-policy", "no-referrer")
        .set("x-frame-options", "DENY");
    ctx.next();
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(body.encode());
  }

  /**
   * The readiness answer: {@code status} and {@code checks} for probes, and when not ready the
   * API's error shape too ({@code error}, {@code message}: docs/contract.md §3), so that one client
   * reads every 5xx alike.
   */
  private static JsonObject readiness(boolean redisUp) {
    JsonObject body =
        new JsonObject()
            .put("status", redisUp ? "UP" : "DOWN")
            .put("checks", new JsonObject().put("redis", redisUp ? "UP" : "DOWN"));
    if (!redisUp) {
      body.put("error", "not_ready")
          .put(
              "message",
              "Redis does not answer, or fewer of its replicas are online than"
                  + " MINUTES_REDIS_MIN_REPLICAS asks; this node cannot store changes (its log says"
                  + " which)");
    }
    return body;
  }
}
