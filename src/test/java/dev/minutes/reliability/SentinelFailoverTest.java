package dev.minutes.reliability;

import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.store.RedisTopology;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeCommandException;
import dev.minutes.support.SentinelTopology;
import dev.minutes.support.StoredMinutes;
import dev.minutes.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on a primary, a replica and three Sentinels (real Debian processes), acknowledging an
 * edit only once the replica confirmed it ({@code MINUTES_REDIS_MIN_REPLICAS=1}), with official
 * automerge-repo clients typing through both nodes.
 */
@DisplayName("Sentinel: a replicated Redis that fails over")
@Timeout(value = 180, unit = SECONDS)
class SentinelFailoverTest {
  private static SentinelTopology redis;
  private static Vertx vertx;
  private static String prefix;
  private static final List<TestNode> nodes = new ArrayList<>();
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    redis = SentinelTopology.start();
    vertx = Vertx.vertx();
    prefix = "sentinel-" + UUID.randomUUID() + ":";
    Map<String, String> settings =
        Map.of(
            "REDIS_SENTINELS",
            redis.sentinelsSetting(),
            "REDIS_SENTINEL_MASTER",
            SentinelTopology.MASTER,
            "MINUTES_REDIS_MIN_REPLICAS",
            "1");
    for (int i = 0; i < 2; i++) {
      nodes.add(TestNode.start(vertx, prefix, settings).await(60, SECONDS));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    TestNode.stopAll(nodes, vertx, redis);
  }

  @Test
  @DisplayName(
      "SIGKILL of the primary while four clients type through two nodes: every acknowledged edit is"
          + " in what the promoted replica stores, and typing goes on")
  void primaryKilledUnderTyping() throws Exception {
    JsonObject meeting =
        nodes.get(0).createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    List<Typist> typists = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        Typist typist =
            new Typist(vertx, client(nodes.get(i % 2), meeting, "editor"), "t" + i, 20, 1500);
        typist.start(meeting.getString("documentUrl")).await(60, SECONDS);
        typists.add(typist);
      }
      for (Typist typist : typists) {
        typist.acknowledgedAtLeast(5).await(60, SECONDS);
      }

      redis.killPrimaryAndAwaitFailover();
      // As a supervisor would: the killed process comes back, as the new primary's replica. Until
      // it has synchronised no append can be confirmed by a replica, so none is acknowledged.
      redis.restartFormerPrimary();
      List<Integer> typedBefore = typists.stream().map(Typist::typedCount).toList();
      for (int i = 0; i < typists.size(); i++) {
        typists.get(i).acknowledgedAtLeast(typedBefore.get(i) + 1).await(90, SECONDS);
      }
      for (Typist typist : typists) {
        typist.stop().await(60, SECONDS);
      }
      for (Typist typist : typists) {
        typist.confirm(30_000).await(60, SECONDS);
      }

      String stored = storedBody(meeting);
      for (Typist typist : typists) {
        assertThat(typist.acknowledgedTokens()).isNotEmpty();
        for (String token : typist.acknowledgedTokens()) {
          assertThat(stored).as("acknowledged token %s", token).contains(token);
        }
      }
    } finally {
      closeClients();
    }
  }

  @Test
  @DisplayName(
      "while no primary answers, nothing is acknowledged and /health/ready is 503 naming Redis;"
          + " the client keeps its edit and it is saved once Redis is back")
  void noPrimaryNothingAcknowledged() throws Exception {
    TestNode node = nodes.get(1);
    JsonObject meeting =
        node.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    NodeClient client = client(node, meeting, "editor");
    try {
      client.command(cmd("find").put("url", meeting.getString("documentUrl"))).await(30, SECONDS);
      client.command(cmd("type").put("text", "before ").put("at", "end")).await(30, SECONDS);
      client.command(cmd("waitSaved")).await(30, SECONDS);
      assertThat(node.get("/health/ready", null).await(30, SECONDS).statusCode()).isEqualTo(200);

      redis.primary().pause();
      redis.replica().pause();
      try {
        var ready = node.get("/health/ready", null).await(30, SECONDS);
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.bodyAsJsonObject().getJsonObject("checks").getString("redis"))
            .isEqualTo("DOWN");
        assertThat(ready.bodyAsJsonObject().getString("error"))
            .as("the API's error shape")
            .isEqualTo("not_ready");
        client.command(cmd("type").put("text", "during ").put("at", "end")).await(30, SECONDS);
        assertThatThrownBy(
                () -> client.command(cmd("waitSaved").put("timeoutMs", 4_000)).await(30, SECONDS))
            .isInstanceOf(NodeCommandException.class);
        assertThat(client.command(cmd("text")).await(30, SECONDS).getString("text"))
            .endsWith("before during ");
      } finally {
        redis.replica().resume();
        redis.primary().resume();
      }

      client.command(cmd("waitSaved").put("timeoutMs", 60_000)).await(90, SECONDS);
      assertThat(storedBody(meeting)).endsWith("before during ");
      assertThat(node.get("/health/ready", null).await(30, SECONDS).statusCode()).isEqualTo(200);
    } finally {
      closeClients();
    }
  }

  @Test
  @DisplayName(
      "a node asking for more replicas than the primary reports does not start, naming"
          + " MINUTES_REDIS_MIN_REPLICAS")
  void moreReplicasThanThereAre() {
    assertThatThrownBy(
            () ->
                TestNode.start(
                        vertx,
                        prefix,
                        Map.of(
                            "REDIS_SENTINELS",
                            redis.sentinelsSetting(),
                            "REDIS_SENTINEL_MASTER",
                            SentinelTopology.MASTER,
                            "MINUTES_REDIS_MIN_REPLICAS",
                            "2"))
                    .await(60, SECONDS))
        .hasMessageStartingWith("MINUTES_REDIS_MIN_REPLICAS is 2 but the Redis primary")
        .hasMessageEndingWith("reports 1 replica(s)");
  }

  private String storedBody(JsonObject meeting) throws Exception {
    return StoredMinutes.body(
        vertx,
        new RedisTopology.Sentinel(
            RedisTopology.parseAddresses(redis.sentinelsSetting()), SentinelTopology.MASTER),
        prefix,
        meeting.getString("documentUrl"));
  }

  private NodeClient client(TestNode node, JsonObject meeting, String role) {
    NodeClient client =
        Typist.client(vertx, node.syncUrl(meeting.getJsonObject("tokens").getString(role)));
    clients.add(client);
    return client;
  }

  private void closeClients() {
    clients.forEach(NodeClient::close);
    clients.clear();
  }
}
