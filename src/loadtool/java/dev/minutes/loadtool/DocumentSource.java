package dev.minutes.loadtool;

import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a run's documents come from: meetings created through this server's HTTP API (each typist
 * connects with the editor token), or, for servers without a meetings API, a fresh document id that
 * the meeting's first client creates over the protocol. With several nodes (of one Redis) client
 * {@code n} talks to node {@code n mod nodes}, as a load balancer without affinity would spread
 * them.
 */
final class DocumentSource {
  private final Vertx vertx;
  private final List<URI> nodes;
  private final boolean protocolOnly;
  private final WebClient http;

  DocumentSource(Vertx vertx, List<URI> nodes, boolean protocolOnly) {
    this.vertx = vertx;
    this.nodes = List.copyOf(nodes);
    this.protocolOnly = protocolOnly;
    this.http = protocolOnly ? null : WebClient.create(vertx);
  }

  /**
   * A document to sync, with how to connect to it: the editor's token and the viewer's (null
   * without a meetings API).
   */
  record Target(String documentId, String token, String viewerToken, boolean clientCreates) {}

  /** Creates a document through the node of client {@code client}. */
  Future<Target> create(String subject, int client) {
    if (protocolOnly) {
      return Future.succeededFuture(new Target(DocumentIds.newId(), null, null, true));
    }
    URI sync = node(client);
    return http.post(port(sync), sync.getHost(), "/api/meetings")
        .sendJsonObject(new JsonObject().put("subject", subject).put("chair", "Load Tool"))
        .compose(
            response -> {
              if (response.statusCode() != 201) {
                return Future.failedFuture(
                    "creating a meeting answered "
                        + response.statusCode()
                        + ": "
                        + response.bodyAsString());
              }
              JsonObject created = response.bodyAsJsonObject();
              JsonObject tokens = created.getJsonObject("tokens");
              return Future.succeededFuture(
                  new Target(
                      created.getString("id"),
                      tokens.getString("editor"),
                      tokens.getString("viewer"),
                      false));
            });
  }

  /** How client number {@code client} of the run connects to the target, as an editor. */
  WebSocketConnectOptions connectOptions(Target target, int client) {
    return connectOptions(target, client, false);
  }

  /**
   * How client number {@code client} of the run connects to the target: with the editor's token, or
   * the viewer's when it only watches.
   */
  WebSocketConnectOptions connectOptions(Target target, int client, boolean watcher) {
    URI sync = node(client);
    String path =
        sync.getRawPath() == null || sync.getRawPath().isEmpty() ? "/" : sync.getRawPath();
    String token = watcher ? target.viewerToken() : target.token();
    if (token != null) {
      path += "?token=" + encode(token);
    }
    return new WebSocketConnectOptions()
        .setHost(sync.getHost())
        .setPort(port(sync))
        .setURI(path)
        .setSsl("wss".equals(sync.getScheme()));
  }

  /**
   * The WebSocket URL client number {@code client} opens: with the editor's token, or the viewer's
   * when it only watches (servers without tokens get the plain URL).
   */
  String url(Target target, int client, boolean watcher) {
    URI sync = node(client);
    String token = watcher ? target.viewerToken() : target.token();
    return token == null
        ? sync.toString()
        : sync + (sync.getRawQuery() == null ? "?" : "&") + "token=" + encode(token);
  }

  /**
   * The value of a gauge on the node of client {@code client}, read from its {@code GET /metrics}
   * (Prometheus text; e.g. {@code minutes_open_documents}); fails without a meetings API (the
   * reference servers have no metrics) or when the node does not report it.
   */
  Future<Double> gauge(String name, int client) {
    if (http == null) {
      return Future.failedFuture("a server without a meetings API has no metrics");
    }
    URI sync = node(client);
    return http.get(port(sync), sync.getHost(), "/metrics")
        .send()
        .compose(
            response -> {
              for (String line : response.bodyAsString().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                  return Future.succeededFuture(
                      Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
                }
              }
              return Future.failedFuture("the node reports no " + name);
            });
  }

  private static String encode(String token) {
    return URLEncoder.encode(token, StandardCharsets.UTF_8);
  }

  private URI node(int client) {
    return nodes.get(Math.floorMod(client, nodes.size()));
  }

  private static int port(URI sync) {
    if (sync.getPort() > 0) {
      return sync.getPort();
    }
    return "wss".equals(sync.getScheme()) ? 443 : 80;
  }

  void close() {
    if (http != null) {
      http.close();
    }
  }

  Vertx vertx() {
    return vertx;
  }
}
