package dev.minutes.reliability;

import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.ClusterTopology;
import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RedisProcess;
import dev.minutes.support.SentinelTopology;
import dev.minutes.support.TestCertificates;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replicated Redis that asks for passwords, as production deployments do (real Debian processes
 * with {@code requirepass}): a node given them stores and serves meetings; a node without them does
 * not start, and says why.
 */
@DisplayName("Sentinel and Cluster deployments that ask for passwords")
@Timeout(value = 180, unit = SECONDS)
class RedisAccessTest {
  private Vertx vertx;
  private NodeClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "Sentinels with a password of their own in front of servers with another: a node given both"
          + " stores what is typed; one given only the servers' does not start")
  void sentinelWithPasswords() throws Exception {
    try (SentinelTopology redis = SentinelTopology.start("server-secret", "sentinel-secret")) {
      Map<String, String> settings = new HashMap<>();
      settings.put("REDIS_SENTINELS", redis.sentinelsSetting());
      settings.put("REDIS_SENTINEL_MASTER", SentinelTopology.MASTER);
      settings.put("REDIS_PASSWORD", "server-secret");
      try (LogCapture logs = new LogCapture()) {
        assertThat(refusalToStart(settings)).contains("Sentinel master 'minutes'");
        // For Sentinels Redisson tells why only in its log: they refused the servers' password.
        assertThat(logs.warned("WRONGPASS")).as("the Sentinels' refusal logged").isTrue();
      }

      settings.put("REDIS_SENTINEL_PASSWORD", "sentinel-secret");
      typeAndReadBack(settings);
    }
  }

  @Test
  @DisplayName(
      "Sentinels that give the node an ACL user of its own: a node given that user stores what is"
          + " typed; one offering the user's password without the user name does not start")
  void sentinelWithAclUser() throws Exception {
    try (SentinelTopology redis =
        SentinelTopology.startWithSentinelUser(
            "server-secret", "sentinel-secret", "minutes-node", "node-secret")) {
      Map<String, String> settings = new HashMap<>();
      settings.put("REDIS_SENTINELS", redis.sentinelsSetting());
      settings.put("REDIS_SENTINEL_MASTER", SentinelTopology.MASTER);
      settings.put("REDIS_PASSWORD", "server-secret");
      settings.put("REDIS_SENTINEL_PASSWORD", "node-secret");
      try (LogCapture logs = new LogCapture()) {
        assertThat(refusalToStart(settings)).contains("Sentinel master 'minutes'");
        assertThat(logs.warned("WRONGPASS")).as("the default user refused the password").isTrue();
      }

      settings.put("REDIS_SENTINEL_USERNAME", "minutes-node");
      typeAndReadBack(settings);
    }
  }

  @Test
  @DisplayName(
      "a Cluster whose nodes ask for a password: a node given it stores what is typed; one without"
          + " it does not start")
  void clusterWithPassword() throws Exception {
    try (ClusterTopology redis = ClusterTopology.start("cluster-secret")) {
      Map<String, String> settings = new HashMap<>();
      settings.put("REDIS_CLUSTER_NODES", redis.nodesSetting());
      assertThat(refusalToStart(settings))
          .contains("Redis refused the credentials")
          .contains("REDIS_PASSWORD");

      settings.put("REDIS_PASSWORD", "cluster-secret");
      typeAndReadBack(settings);
    }
  }

  @Test
  @DisplayName(
      "one server that speaks TLS only with a certificate of a private authority: a node trusting"
          + " that authority (REDIS_TLS_CA) stores what is typed; one trusting the JVM's does not"
          + " start")
  void oneServerOverTls() throws Exception {
    Path dir = Files.createTempDirectory("redis-tls-");
    TestCertificates certificates = TestCertificates.create(dir.resolve("tls"));
    int port = RedisProcess.freePort(false);
    try (RedisProcess redis =
        RedisProcess.start(
            RedisProcess.Kind.SERVER,
            dir.resolve("redis"),
            port,
            concat(List.of("save \"\"", "appendonly no"), certificates.tlsOnly(port)))) {
      redis.ready().await(30, SECONDS);
      Map<String, String> settings = new HashMap<>();
      settings.put("REDIS_URL", "rediss://127.0.0.1:" + port);
      try (LogCapture logs = new LogCapture()) {
        assertThat(refusalToStart(settings))
            .contains("rediss://127.0.0.1:" + port)
            .contains("certificate was not accepted")
            .contains("REDIS_TLS_CA");
        assertThat(logs.mentions("PKIX")).as("the untrusted certificate logged").isTrue();
      }

      settings.put("REDIS_TLS_CA", certificates.ca().toString());
      typeAndReadBack(settings);
    }
  }

  @Test
  @DisplayName(
      "Sentinels and servers that speak TLS only: a node with REDIS_TLS and the authority stores"
          + " what is typed")
  void sentinelOverTls() throws Exception {
    try (SentinelTopology redis = SentinelTopology.start(null, null, true)) {
      Map<String, String> settings = new HashMap<>();
      settings.put("REDIS_SENTINELS", redis.sentinelsSetting());
      settings.put("REDIS_SENTINEL_MASTER", SentinelTopology.MASTER);
      settings.put("REDIS_TLS", "true");
      settings.put("REDIS_TLS_CA", redis.tls().ca().toString());
      typeAndReadBack(settings);
    }
  }

  @Test
  @DisplayName(
      "a Cluster whose nodes speak TLS only, to clients and to each other: a node with REDIS_TLS and"
          + " the authority stores what is typed")
  void clusterOverTls() throws Exception {
    try (ClusterTopology redis = ClusterTopology.start(null, true)) {
      typeAndReadBack(
          Map.of(
              "REDIS_CLUSTER_NODES",
              redis.nodesSetting(),
              "REDIS_TLS",
              "true",
              "REDIS_TLS_CA",
              redis.tls().ca().toString()));
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }

  /** Starts a node that must fail to start, and returns its error's message. */
  private String refusalToStart(Map<String, String> settings) throws Exception {
    Throwable refusal =
        TestNode.start(vertx, prefix(), settings)
            .transform(started -> Future.succeededFuture(started.cause()))
            .await(120, SECONDS);
    assertThat(refusal).as("a node started without the right password").isNotNull();
    return refusal.getMessage();
  }

  private void typeAndReadBack(Map<String, String> settings) throws Exception {
    TestNode node = TestNode.start(vertx, prefix(), settings).await(60, SECONDS);
    try {
      JsonObject meeting =
          node.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
      client =
          NodeClient.start(
              vertx,
              "client.mjs",
              List.of("--url", node.syncUrl(meeting.getJsonObject("tokens").getString("editor"))));
      client.command(cmd("find").put("url", meeting.getString("documentUrl"))).await(30, SECONDS);
      client
          .command(cmd("type").put("text", "Stored behind a password.").put("at", "end"))
          .await(30, SECONDS);
      client.command(cmd("waitSaved")).await(30, SECONDS);
      String body =
          node.get(
                  "/api/meetings/" + meeting.getString("id") + "/minutes.md",
                  meeting.getJsonObject("tokens").getString("viewer"))
              .await(30, SECONDS)
              .bodyAsString();
      assertThat(body).contains("Stored behind a password.");
    } finally {
      node.stop().await(30, SECONDS);
    }
  }

  private static String prefix() {
    return "auth-" + UUID.randomUUID() + ":";
  }
}
