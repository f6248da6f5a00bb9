package dev.minutes.http;

import dev.minutes.meeting.Role;
import dev.minutes.series.NextCallRequest;
import dev.minutes.series.SeriesRequest;
import dev.minutes.series.SeriesService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The series API of docs/series.md (contract §7): create a series, start its next call, read it.
 * Handlers only translate HTTP; {@link SeriesService} decides. Mounted before {@link
 * MeetingRoutes}, whose catch-all answers unknown {@code /api} paths.
 */
final class SeriesRoutes {
  private final SeriesService series;
  private final Optional<String> createToken;
  private final LinkBase links;

  SeriesRoutes(SeriesService series, Optional<String> createToken, LinkBase links) {
    this.series = series;
    this.createToken = createToken;
    this.links = links;
  }

  void mount(Router router, long maxBodyBytes) {
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
    router.post("/api/series").handler(bodies).handler(this::create);
    router.post("/api/series/:sid/meetings").handler(bodies).handler(this::startNext);
    router.get("/api/series/:sid").handler(this::view);
  }

  private void create(RoutingContext ctx) {
    MeetingRoutes.respond(
        ctx,
        MeetingRoutes.requireCreateToken(ctx, createToken)
            .map(v -> SeriesRequest.fromJson(body(ctx)))
            .compose(series::create)
            .map(created -> createdJson(ctx, created)),
        201);
  }

  private void startNext(RoutingContext ctx) {
    String seriesId = ctx.pathParam("sid");
    MeetingRoutes.respond(
        ctx,
        Future.<Void>succeededFuture()
            .map(v -> NextCallRequest.fromJson(body(ctx)))
            .compose(request -> series.startNext(seriesId, MeetingRoutes.bearer(ctx), request))
            .map(
                started ->
                    MeetingRoutes.createdJson(links.of(ctx), started.meeting())
                        .put("series", started.seriesId())),
        201);
  }

  private void view(RoutingContext ctx) {
    MeetingRoutes.respond(ctx, series.view(ctx.pathParam("sid"), MeetingRoutes.bearer(ctx)), 200);
  }

  private static JsonObject body(RoutingContext ctx) {
    return ctx.body().isEmpty() ? new JsonObject() : MeetingRoutes.jsonBody(ctx);
  }

  private JsonObject createdJson(RoutingContext ctx, SeriesService.CreatedSeries created) {
    String base = links.of(ctx);
    JsonObject tokens = new JsonObject();
    created.tokens().forEach((role, token) -> tokens.put(role.label(), token));
    return new JsonObject()
        .put("id", created.id())
        .put("tokens", tokens)
        .put(
            "links",
            new JsonObject()
                .put("chair", link(base, created, Role.CHAIR))
                .put("edit", link(base, created, Role.EDITOR))
                .put("view", link(base, created, Role.VIEWER)));
  }

  /**
   * Series page links ({@code /s/<id>}) carry the token in the fragment, which browsers never send
   * to servers or in Referer.
   */
  private static String link(String base, SeriesService.CreatedSeries created, Role role) {
    return base + "/s/" + created.id() + "#token=" + created.tokens().get(role);
  }
}
