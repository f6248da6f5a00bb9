package dev.minutes.support;

import dev.minutes.app.ConfigLoader;
import dev.minutes.app.MinutesConfig;
import dev.minutes.app.MinutesNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An in-process minutes node for tests: real Redis (the shared {@link RedisHarness} one, or
 * REDIS_URL; or the Sentinels or cluster nodes given in its settings), its own key prefix, port 0,
 * and an HTTP client aimed at it. Several TestNodes may share a prefix to act as several nodes of
 * one deployment.
 */
public final class TestNode {
  private final Vertx vertx;
  private final MinutesNode node;
  private final String prefix;
  private final WebClient http;

  private TestNode(Vertx vertx, MinutesNode node, String prefix) {
    this.vertx = vertx;
    this.node = node;
    this.prefix = prefix;
    this.http = WebClient.create(vertx);
  }

  /** A node on a fresh key prefix. */
  public static Future<TestNode> start(Vertx vertx) {
    return start(vertx, RedisHarness.newPrefix(), Map.of());
  }

  /** A node on the given prefix with extra settings (variable name → value). */
  public static Future<TestNode> start(Vertx vertx, String prefix, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>();
    if (!settings.containsKey("REDIS_SENTINELS") && !settings.containsKey("REDIS_CLUSTER_NODES")) {
      env.put("REDIS_URL", RedisHarness.url());
    }
    env.put("MINUTES_REDIS_PREFIX", prefix);
    env.put("MINUTES_HTTP_PORT", "0");
    env.put("MINUTES_DATA_DIR", tempDir().toString());
    env.put("MINUTES_SESSION_IDLE_MS", "200");
    env.putAll(settings);
    MinutesConfig config = ConfigLoader.load(env);
    return MinutesNode.start(vertx, config).map(node -> new TestNode(vertx, node, prefix));
  }

  public MinutesNode node() {
    return node;
  }

  public String prefix() {
    return prefix;
  }

  public int port() {
    return node.port();
  }

  public String syncUrl(String token) {
    return "ws://127.0.0.1:" + port() + "/sync?token=" + token;
  }

  public WebClient http() {
    return http;
  }

  /** Creates a meeting through the API and returns its 201 body. */
  public Future<JsonObject> createMeeting(JsonObject request) {
    return http.post(port(), "127.0.0.1", "/api/meetings")
        .sendJsonObject(request)
        .map(
            response -> {
              if (response.statusCode() != 201) {
                throw new IllegalStateException(
                    "create failed: " + response.statusCode() + " " + response.bodyAsString());
              }
              return response.bodyAsJsonObject();
            });
  }

  /** GET with a bearer token. */
  public Future<HttpResponse<Buffer>> get(String path, String token) {
    var request = http.get(port(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.send();
  }

  /**
   * One sample of the node's /metrics page (Prometheus text), e.g. {@code minutes_connections};
   * fails if absent.
   */
  public Future<Double> metric(String name) {
    return get("/metrics", null)
        .map(
            response ->
                response
                    .bodyAsString()
                    .lines()
                    .filter(line -> line.startsWith(name + " "))
                    .findFirst()
                    .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
                    .orElseThrow(() -> new AssertionError("no metric " + name + " on /metrics")));
  }

  /** POST with a bearer token and an optional JSON body. */
  public Future<HttpResponse<Buffer>> post(String path, String token, JsonObject body) {
    var request = http.post(port(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  /**
   * Stops the nodes, then their Vert.x, then the Redis they shared (its processes are stopped even
   * when a node fails to stop): the teardown of a test that runs its own topology.
   */
  public static void stopAll(List<TestNode> nodes, Vertx vertx, AutoCloseable redis)
      throws Exception {
    try {
      Future.join(
              nodes.stream()
                  .filter(java.util.Objects::nonNull)
                  .map(node -> node.stop().recover(failure -> Future.succeededFuture()))
                  .toList())
          .await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    } finally {
      if (redis != null) {
        redis.close();
      }
    }
  }

  /** Stops the node (graceful). */
  public Future<Void> stop() {
    http.close();
    return node.stop();
  }

  /** Stops the node and deletes its keys. */
  public Future<Void> stopAndClean() {
    return stop().eventually(() -> RedisHarness.cleanup(vertx, prefix)).mapEmpty();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("minutes-node");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
