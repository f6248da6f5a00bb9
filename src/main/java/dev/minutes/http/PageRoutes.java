package dev.minutes.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The page's files (built into {@code webroot}) and how browsers may cache them. Files under {@code
 * /assets/} carry a content hash in their name, so they never change: cached for a year, immutable.
 * Everything else ({@code index.html} for {@code /}, {@code /m/*} and {@code /s/*}, the service
 * worker script) keeps its name across upgrades, so browsers revalidate it on every load ({@code
 * no-cache}) and an upgrade reaches them at once. An unknown path gets the page itself with status
 * 404 when a browser asks for HTML (the page shows its own not-found view); other clients get a
 * plain 404.
 */
final class PageRoutes {
  static final String WEBROOT = "webroot";
  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "no-cache";

  private PageRoutes() {}

  /** Mounts the page last: every route before it (API, sync, health, metrics) wins. */
  static void mount(Router router) {
    router.get("/*").handler(PageRoutes::cachePolicy);
    router.get("/assets/*").handler(PrecompressedAssets::serve);
    router
        .get("/*")
        .handler(StaticHandler.create(WEBROOT).setCachingEnabled(true).setIndexPage("index.html"));
    router.get("/*").handler(PageRoutes::notFoundPage);
  }

  /** Decides the Cache-Control of a page file once its status is known (errors are not cached). */
  private static void cachePolicy(RoutingContext ctx) {
    boolean asset = ctx.normalizedPath().startsWith("/assets/");
    ctx.addHeadersEndHandler(
        v -> {
          int status = ctx.response().getStatusCode();
          boolean found = status == 200 || status == 304;
          ctx.response()
              .headers()
              .set(HttpHeaders.CACHE_CONTROL, found && asset ? IMMUTABLE : REVALIDATE);
        });
    ctx.next();
  }

  private static void notFoundPage(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    if (accept == null || !accept.contains("text/html")) {
      ctx.next();
      return;
    }
    ctx.response()
        .setStatusCode(404)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/html;charset=UTF-8")
        .sendFile(WEBROOT + "/index.html")
        .onFailure(
            failure -> {
              // No page built (a server run without its frontend): the plain 404 instead.
              if (!ctx.response().headWritten()) {
                ctx.next();
              }
            });
  }
}
