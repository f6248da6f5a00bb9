package dev.minutes.http;

import dev.minutes.sync.AccessPolicy;
import dev.minutes.sync.ConnectionLimits;
import dev.minutes.sync.PeerConnection;
import dev.minutes.sync.PeerDirectory;
import dev.minutes.sync.ServerIdentity;
import dev.minutes.sync.SessionRegistry;
import dev.minutes.sync.SyncMetrics;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /sync?token=…}: checks origin and connection limits before upgrading (refused with an
 * HTTP status), then the token: a socket whose token is refused only hears why and is closed (see
 * {@link RefusedSyncSocket}); an accepted one goes to a {@link PeerConnection}.
 */
final class SyncRoute {
  private static final Logger log = LoggerFactory.getLogger(SyncRoute.class);

  private final AccessPolicy access;
  private final SessionRegistry sessions;
  private final PeerDirectory directory;
  private final ServerIdentity identity;
  private final SyncMetrics metrics;
  private final ConnectionLimits limits;
  private final List<String> allowedOrigins;
  private final TrustedProxies proxies;
  private final Map<String, AtomicInteger> connectionsPerIp = new ConcurrentHashMap<>();

  SyncRoute(
      AccessPolicy access,
      SessionRegistry sessions,
      PeerDirectory directory,
      ServerIdentity identity,
      SyncMetrics metrics,
      ConnectionLimits limits,
      List<String> allowedOrigins,
      TrustedProxies proxies) {
    this.access = access;
    this.sessions = sessions;
    this.directory = directory;
    this.identity = identity;
    this.metrics = metrics;
    this.limits = limits;
    this.allowedOrigins = allowedOrigins;
    this.proxies = proxies;
  }

  void mount(Router router) {
    router.get("/sync").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!request.canUpgradeToWebSocket()) {
      // toWebSocket() would fail without answering, leaving the client waiting on an open
      // connection.
      deny(ctx, 400, "upgrade_required", "the sync endpoint speaks WebSocket only");
      return;
    }
    String origin = request.getHeader("origin");
    if (origin != null && !originAllowed(origin, request)) {
      deny(ctx, 403, "origin_not_allowed", "origin " + origin + " may not open the sync endpoint");
      return;
    }
    String ip = proxies.clientOf(request);
    AtomicInteger count = connectionsPerIp.computeIfAbsent(ip, k -> new AtomicInteger());
    if (count.incrementAndGet() > limits.maxConnectionsPerIp()) {
      release(ip, count);
      deny(
          ctx,
          429,
          "too_many_connections",
          "at most " + limits.maxConnectionsPerIp() + " connections per address");
      return;
    }
    request.pause();
    access
        .authorize(request.getParam("token"))
        .onFailure(
            failure -> {
              if (failure instanceof AccessPolicy.AccessDenied denied) {
                log.warn("refused sync connection from {}: {}", ip, denied.getMessage());
                refuseOverSocket(
                    ctx,
                    (denied.status() == 401 ? "invalid-token: " : "forbidden: ")
                        + denied.getMessage(),
                    RefusedSyncSocket.POLICY_VIOLATION,
                    denied.status() == 401 ? "invalid-token" : "forbidden",
                    ip,
                    count);
              } else {
                log.warn(
                    "cannot authorize a sync connection from {}: {}", ip, failure.getMessage());
                refuseOverSocket(
                    ctx,
                    "unavailable: the server cannot check tokens right now; try again later",
                    RefusedSyncSocket.TRY_AGAIN_LATER,
                    "unavailable",
                    ip,
                    count);
              }
            })
        .onSuccess(
            grant ->
                request
                    .toWebSocket()
                    .onFailure(
                        failure -> {
                          release(ip, count);
                          log.warn(
                              "websocket upgrade from {} failed: {}", ip, failure.getMessage());
                        })
                    .onSuccess(
                        socket -> {
                          PeerConnection connection =
                              new PeerConnection(
                                  socket,
                                  request.connection(),
                                  grant,
                                  sessions,
                                  directory,
                                  identity,
                                  metrics,
                                  limits);
                          connection.start(() -> release(ip, count));
                        }));
  }

  /**
   * A token refusal goes over the upgraded socket, never as an HTTP status: the official Node
   * client throws from its event handler on a refused upgrade (contract §4).
   */
  private void refuseOverSocket(
      RoutingContext ctx,
      String message,
      short closeCode,
      String closeReason,
      String ip,
      AtomicInteger count) {
    RefusedSyncSocket.refuse(
        ctx.vertx(),
        ctx.request(),
        identity.peerId(),
        message,
        closeCode,
        closeReason,
        () -> release(ip, count));
  }

  private boolean originAllowed(String origin, HttpServerRequest request) {
    if (!allowedOrigins.isEmpty()) {
      return allowedOrigins.contains(origin) || allowedOrigins.contains("*");
    }
    try {
      URI uri = new URI(origin);
      String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return authority != null && authority.equalsIgnoreCase(request.authority().toString());
    } catch (Exception e) {
      return false;
    }
  }

  private void release(String ip, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) {
      connectionsPerIp.remove(ip, count);
    }
  }

  private static void deny(RoutingContext ctx, int status, String code, String message) {
    ApiErrors.send(ctx, status, code, message);
  }

  int connections() {
    return connectionsPerIp.values().stream().mapToInt(AtomicInteger::get).sum();
  }
}
