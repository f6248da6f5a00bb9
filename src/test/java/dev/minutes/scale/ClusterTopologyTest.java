package dev.minutes.scale;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.app.EmbeddedRedis;
import dev.minutes.render.MinutesParser;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RawPeer;
import dev.minutes.support.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The deployment of docker/compose.yaml without Docker: a Redis, two server processes and Debian's
 * nginx on loopback, configured with the same proxy rules (docker/nginx/minutes-proxy.conf). Real
 * clients go through the load balancer only.
 */
@DisplayName("Two server processes behind nginx on one Redis")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTopologyTest {
  /** Sync sockets each client may hold on a node; the test's own clients need at most six. */
  private static final int CONNECTIONS_PER_CLIENT = 8;

  private Vertx vertx;
  private Path work;
  private EmbeddedRedis redis;
  private final List<ServerProcess> servers = new ArrayList<>();
  private Process nginx;
  private int balancerPort;
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeEach
  void startTopology() throws Exception {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    work = Files.createTempDirectory("minutes-cluster");
    redis = EmbeddedRedis.start(work.resolve("redis"));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ServerProcess server =
          ServerProcess.start(
              Map.of(
                  "REDIS_URL",
                  redis.url(),
                  "MINUTES_HTTP_PORT",
                  "0",
                  "MINUTES_DATA_DIR",
                  work.resolve("node" + i).toString(),
                  "MINUTES_PUBLISH_FOLDER",
                  "off",
                  "MINUTES_TRUSTED_PROXIES",
                  "127.0.0.1",
                  "MINUTES_MAX_CONNECTIONS_PER_IP",
                  String.valueOf(CONNECTIONS_PER_CLIENT)),
              work);
      servers.add(server);
      ports.add(server.ready().await(60, SECONDS));
    }
    balancerPort = freePort();
    nginx = startNginx(ports, balancerPort);
  }

  @AfterEach
  void stopTopology() throws Exception {
    clients.forEach(NodeClient::close);
    if (nginx != null) {
      nginx.destroy();
      nginx.waitFor();
    }
    for (ServerProcess server : servers) {
      server.close();
    }
    if (redis != null) {
      redis.stop();
    }
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "a node is killed mid-edit: its clients reconnect through nginx to the other node and lose nothing")
  void nodeKilledMidEdit() throws Exception {
    JsonObject meeting = createMeeting();
    String token = meeting.getJsonObject("tokens").getString("editor");
    String url = meeting.getString("documentUrl");
    List<NodeClient> typists = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      NodeClient client =
          NodeClient.start(
              vertx,
              "client.mjs",
              List.of(
                  "--url",
                  "ws://127.0.0.1:" + balancerPort + "/sync?token=" + token,
                  "--retry-ms",
                  "200"));
      clients.add(client);
      await(client.command(cmd("find").put("url", url)));
      typists.add(client);
    }
    List<Future<JsonObject>> typing = new ArrayList<>();
    for (int i = 0; i < typists.size(); i++) {
      typing.add(
          typists
              .get(i)
              .command(
                  cmd("type")
                      .put("text", "<typist " + i + " wrote this whole sentence>")
                      .put("at", "end")
                      .put("intervalMs", 5)));
    }
    // Kill one node once every typist has something acknowledged, while they are still typing.
    for (NodeClient typist : typists) {
      await(typist.command(cmd("waitSaved").put("concurrent", true)));
    }
    servers.get(0).kill();
    awaitOrReport(Future.all(typing), typists);
    for (NodeClient typist : typists) {
      await(typist.command(cmd("waitSaved").put("timeoutMs", 60_000)));
    }
    NodeClient reader =
        NodeClient.start(
            vertx,
            "client.mjs",
            List.of("--url", "ws://127.0.0.1:" + balancerPort + "/sync?token=" + token));
    clients.add(reader);
    await(reader.command(cmd("find").put("url", url)));
    // The surviving node may still be merging the dead node's last stored entries when the reader
    // arrives: wait for every sentence rather than taking the first sync round as final.
    String text = null;
    for (int i = 0; i < typists.size(); i++) {
      text =
          await(
                  reader.command(
                      cmd("waitText")
                          .put("contains", "<typist " + i + " wrote this whole sentence>")
                          .put("timeoutMs", 60_000)))
              .getString("text");
    }
    for (NodeClient typist : typists) {
      // Fails by timing out unless every typist converges on the reader's text.
      await(typist.command(cmd("waitText").put("equals", text).put("timeoutMs", 60_000)));
    }
    // What the surviving node stored is that text, each sentence once.
    assertThat(storedMinutesBody(meeting, token)).isEqualTo(text);
    for (int i = 0; i < typists.size(); i++) {
      assertThat(text).containsOnlyOnce("<typist " + i + " wrote this whole sentence>");
    }
  }

  private String storedMinutesBody(JsonObject meeting, String token) throws TimeoutException {
    WebClient http = WebClient.create(vertx);
    try {
      String minutes =
          http.get(
                  balancerPort,
                  "127.0.0.1",
                  "/api/meetings/" + meeting.getString("id") + "/minutes.md")
              .bearerTokenAuthentication(token)
              .send()
              .map(response -> response.bodyAsString())
              .await(30, SECONDS);
      return MinutesParser.parse(minutes).body();
    } finally {
      http.close();
    }
  }

  @Test
  @DisplayName(
      "sockets that name their meeting meet on one node through nginx; sockets that do not are spread")
  void meetingAffinity() throws Exception {
    JsonObject meeting = createMeeting();
    String token = meeting.getJsonObject("tokens").getString("editor");
    String byMeeting =
        "ws://127.0.0.1:"
            + balancerPort
            + "/sync?meeting="
            + meeting.getString("id")
            + "&token="
            + token;
    String plain = "ws://127.0.0.1:" + balancerPort + "/sync?token=" + token;

    assertThat(serverPeersOf(byMeeting, "affine"))
        .as("nodes serving four sockets of one meeting")
        .hasSize(1);
    assertThat(serverPeersOf(plain, "spread"))
        .as("nodes serving four sockets without a meeting")
        .hasSize(2);
  }

  @Test
  @DisplayName(
      "behind nginx a page's socket is accepted, its links name the balancer, each client has its"
          + " own connection quota (the address nginx forwards, not nginx's), and the nodes'"
          + " metrics are not served")
  void pageSocketsAndLinksBehindTheBalancer() throws Exception {
    JsonObject meeting = createMeeting();
    WebClient http = WebClient.create(vertx);
    try {
      assertThat(statusThroughBalancer(http, "/metrics")).isEqualTo(403);
      assertThat(statusThroughBalancer(http, "/health/ready")).isEqualTo(200);
    } finally {
      http.close();
    }
    assertThat(meeting.getJsonObject("links").getString("edit"))
        .as("a link made from the Host nginx passes on")
        .startsWith("http://127.0.0.1:" + balancerPort + "/m/");
    // Named meeting: every socket goes to the same node, which counts them all.
    String uri =
        "/sync?meeting="
            + meeting.getString("id")
            + "&token="
            + meeting.getJsonObject("tokens").getString("editor");
    WebSocketClient sockets = vertx.createWebSocketClient();
    try {
      for (int i = 0; i < CONNECTIONS_PER_CLIENT; i++) {
        assertThat(upgradeStatus(sockets, uri, "203.0.113.7")).as("socket %d", i).isEqualTo(101);
      }
      assertThat(upgradeStatus(sockets, uri, "203.0.113.7"))
          .as("one socket more than the client's quota")
          .isEqualTo(429);
      assertThat(upgradeStatus(sockets, uri, "203.0.113.8"))
          .as("another client through the same nginx")
          .isEqualTo(101);
    } finally {
      sockets.close().await(30, SECONDS);
    }
  }

  private int statusThroughBalancer(WebClient http, String path) throws TimeoutException {
    return http.get(balancerPort, "127.0.0.1", path).send().await(30, SECONDS).statusCode();
  }

  /**
   * Opens a socket through nginx as a page of a client at {@code clientAddress} would (nginx
   * appends its own peer to the {@code X-Forwarded-For} it is sent) and returns the upgrade's
   * status; accepted sockets stay open until {@code sockets} closes.
   */
  private int upgradeStatus(WebSocketClient sockets, String uri, String clientAddress)
      throws TimeoutException {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(balancerPort)
            .setURI(uri)
            .addHeader("X-Forwarded-For", clientAddress)
            // What a page served through the balancer sends: the balancer's host and port.
            .addHeader("Origin", "http://127.0.0.1:" + balancerPort);
    return sockets
        .connect(options)
        .map(socket -> 101)
        .recover(
            failure ->
                failure instanceof UpgradeRejectedException rejected
                    ? Future.succeededFuture(rejected.getStatus())
                    : Future.failedFuture(failure))
        .await(30, SECONDS);
  }

  /**
   * Opens four raw sockets one after another and returns the distinct server peer ids that answered
   * their join.
   */
  private Set<String> serverPeersOf(String url, String name) throws TimeoutException {
    Set<String> serverPeers = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      RawPeer peer = RawPeer.connect(vertx, url, name + "-" + i);
      clients.add(peer.client());
      serverPeers.add(await(peer.join()).getString("senderId"));
    }
    return serverPeers;
  }

  /** On failure, shows what the clients logged: the official client's own diagnostics. */
  private static <T> T awaitOrReport(Future<T> future, List<NodeClient> involved)
      throws TimeoutException {
    try {
      return await(future);
    } catch (RuntimeException | TimeoutException e) {
      involved.forEach(client -> System.err.println("client stderr:\n" + client.stderr()));
      throw e;
    }
  }

  private JsonObject createMeeting() throws TimeoutException {
    WebClient http = WebClient.create(vertx);
    try {
      return http.post(balancerPort, "127.0.0.1", "/api/meetings")
          .sendJsonObject(new JsonObject().put("chair", "Ada").put("agenda", List.of("One")))
          .map(
              response -> {
                assertThat(response.statusCode()).isEqualTo(201);
                return response.bodyAsJsonObject();
              })
          .await(30, SECONDS);
    } finally {
      http.close();
    }
  }

  private Process startNginx(List<Integer> nodePorts, int port)
      throws IOException, TimeoutException {
    Path nginxBinary = Path.of("/usr/sbin/nginx");
    assertThat(nginxBinary).as("nginx from Debian's packages (.ci/run installs it)").exists();
    Path proxyRules = Path.of("docker/nginx/minutes-proxy.conf").toAbsolutePath();
    Path affinity = Path.of("docker/nginx/minutes-affinity.conf").toAbsolutePath();
    Path dir = Files.createDirectories(work.resolve("nginx"));
    StringBuilder upstream = new StringBuilder();
    for (int nodePort : nodePorts) {
      upstream.append("    server 127.0.0.1:").append(nodePort).append(" max_fails=0;\n");
    }
    String conf =
        "daemon off;\nworker_processes 1;\npid "
            + dir.resolve("nginx.pid")
            + ";\n"
            + "error_log "
            + dir.resolve("error.log")
            + " warn;\n"
            + "events { worker_connections 1024; }\n"
            + "http {\n  access_log off;\n"
            + "  client_body_temp_path "
            + dir.resolve("body")
            + ";\n  proxy_temp_path "
            + dir.resolve("proxy")
            + ";\n"
            + "  fastcgi_temp_path "
            + dir.resolve("fastcgi")
            + ";\n  uwsgi_temp_path "
            + dir.resolve("uwsgi")
            + ";\n"
            + "  scgi_temp_path "
            + dir.resolve("scgi")
            + ";\n"
            + "  upstream minutes_nodes {\n"
            + upstream
            + "  }\n"
            + "  upstream minutes_meetings {\n    hash $arg_meeting consistent;\n"
            + upstream
            + "  }\n"
            + "  include "
            + affinity
            + ";\n"
            + "  server {\n    listen 127.0.0.1:"
            + port
            + ";\n    include "
            + proxyRules
            + ";\n  }\n}\n";
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    Process process =
        new ProcessBuilder(nginxBinary.toString(), "-c", confFile.toString(), "-p", dir.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    awaitHealthy(port);
    return process;
  }

  /**
   * Waits until nginx forwards /health/live to a node (an event, not a guess: each probe is a real
   * request).
   */
  private void awaitHealthy(int port) throws TimeoutException {
    WebClient http = WebClient.create(vertx);
    try {
      Future<Void> healthy = probe(http, port, 200);
      healthy.await(30, SECONDS);
    } finally {
      http.close();
    }
  }

  private Future<Void> probe(WebClient http, int port, int attemptsLeft) {
    return http.get(port, "127.0.0.1", "/health/live")
        .send()
        .compose(
            response ->
                response.statusCode() == 200
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture("status " + response.statusCode()))
        .recover(
            failure ->
                attemptsLeft == 0
                    ? Future.failedFuture(failure)
                    : vertx.timer(50).compose(t -> probe(http, port, attemptsLeft - 1)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
