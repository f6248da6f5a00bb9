package dev.minutes.reliability;

import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.RedisTopology;
import dev.minutes.support.ClusterTopology;
import dev.minutes.support.NodeClient;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.StoredMinutes;
import dev.minutes.support.TestNode;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two nodes on a Redis Cluster of three shards, each a primary with a replica (real Debian
 * processes), acknowledging an edit only once the shard's replica confirmed it ({@code
 * MINUTES_REDIS_MIN_REPLICAS=1}).
 */
@DisplayName("Redis Cluster: meetings spread over three shards, one shard failing over")
@Timeout(value = 240, unit = SECONDS)
class ClusterFailoverTest {
  private static ClusterTopology redis;
  private static Vertx vertx;
  private static String prefix;
  private static final List<TestNode> nodes = new ArrayList<>();
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    redis = ClusterTopology.start();
    vertx = Vertx.vertx();
    prefix = "cluster-" + UUID.randomUUID() + ":";
    Map<String, String> settings =
        Map.of("REDIS_CLUSTER_NODES", redis.nodesSetting(), "MINUTES_REDIS_MIN_REPLICAS", "1");
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
      "meetings on every shard, typed into through both nodes; a shard's primary SIGKILLed loses no"
          + " acknowledged edit, typing goes on, and a close is published through the outbox")
  void shardPrimaryKilledUnderTyping() throws Exception {
    Map<Integer, JsonObject> meetingOfShard = meetingOnEveryShard();
    assertThat(meetingOfShard).hasSize(ClusterTopology.SHARDS);

    Map<JsonObject, List<Typist>> typistsOf = new HashMap<>();
    List<Typist> typists = new ArrayList<>();
    try {
      for (JsonObject meeting : meetingOfShard.values()) {
        List<Typist> ofMeeting = new ArrayList<>();
        for (TestNode node : nodes) {
          Typist typist =
              new Typist(vertx, client(node, meeting), "t" + typists.size() + "x", 20, 1500);
          typist.start(meeting.getString("documentUrl")).await(60, SECONDS);
          ofMeeting.add(typist);
          typists.add(typist);
        }
        typistsOf.put(meeting, ofMeeting);
      }
      for (Typist typist : typists) {
        typist.acknowledgedAtLeast(5).await(60, SECONDS);
      }

      ClusterTopology.Shard victim = redis.shards().get(0);
      redis.killPrimary(victim);
      // As a supervisor would: the killed node comes back as its shard's replica. Until then the
      // shard has no replica to confirm an append, so none of its meetings' edits is acknowledged.
      redis.restart(victim.primary());
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

      for (Map.Entry<JsonObject, List<Typist>> entry : typistsOf.entrySet()) {
        String stored = storedBody(entry.getKey());
        for (Typist typist : entry.getValue()) {
          assertThat(typist.acknowledgedTokens()).isNotEmpty();
          for (String token : typist.acknowledgedTokens()) {
            assertThat(stored).as("acknowledged token %s", token).contains(token);
          }
        }
        // What one node's client typed reached the other node's client: announcements crossed
        // nodes over the document's shard channel.
        List<Typist> pair = entry.getValue();
        String lastOfSecond =
            pair.get(1).acknowledgedTokens().get(pair.get(1).acknowledgedTokens().size() - 1);
        pair.get(0)
            .client()
            .command(cmd("waitText").put("contains", lastOfSecond).put("timeoutMs", 30_000))
            .await(60, SECONDS);
      }
    } finally {
      closeClients();
    }

    JsonObject closing = meetingOfShard.values().iterator().next();
    PublishProbe probe = new PublishProbe(vertx);
    var closed =
        nodes
            .get(1)
            .post(
                "/api/meetings/" + closing.getString("id") + "/close",
                closing.getJsonObject("tokens").getString("chair"),
                null)
            .await(60, SECONDS);
    assertThat(closed.statusCode()).isEqualTo(200);
    try (probe) {
      probe.outcome(closing.getString("id"), "folder", "delivered").await(60, SECONDS);
    }
    JsonArray publish =
        nodes
            .get(0)
            .get(
                "/api/meetings/" + closing.getString("id"),
                closing.getJsonObject("tokens").getString("viewer"))
            .await(30, SECONDS)
            .bodyAsJsonObject()
            .getJsonArray("publish");
    assertThat(publish.getJsonObject(0).getString("state")).isEqualTo("delivered");
  }

  @Test
  @DisplayName(
      "presence messages sent back to back through one node reach a page on the other node over"
          + " the document's shard channel, all of them and in the order sent")
  void presenceCrossesNodesInOrder() throws Exception {
    JsonObject meeting =
        nodes.get(0).createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    NodeClient sender = client(nodes.get(0), meeting);
    NodeClient receiver = client(nodes.get(1), meeting);
    try {
      for (NodeClient client : List.of(sender, receiver)) {
        client.command(cmd("find").put("url", meeting.getString("documentUrl"))).await(30, SECONDS);
      }
      int sent = 40; // within the burst a node forwards per document (twice 100 a second)
      List<Future<JsonObject>> broadcasts = new ArrayList<>();
      for (int i = 0; i < sent; i++) {
        broadcasts.add(
            sender.command(cmd("broadcast").put("message", new JsonObject().put("n", i))));
      }
      Future.all(broadcasts).await(30, SECONDS);
      receiver
          .awaitEvent(
              e ->
                  "ephemeral".equals(e.getString("event"))
                      && e.getJsonObject("message").getInteger("n") == sent - 1)
          .await(30, SECONDS);
      assertThat(
              receiver.events("ephemeral").stream()
                  .map(e -> e.getJsonObject("message").getInteger("n")))
          .containsExactlyElementsOf(IntStream.range(0, sent).boxed().toList());
    } finally {
      closeClients();
    }
  }

  /** Creates meetings until one lives on every shard; maps a shard's first slot to its meeting. */
  private Map<Integer, JsonObject> meetingOnEveryShard() throws Exception {
    Map<Integer, JsonObject> meetingOfShard = new HashMap<>();
    List<ClusterTopology.Shard> shards = redis.shards();
    for (int attempt = 0; attempt < 60 && meetingOfShard.size() < shards.size(); attempt++) {
      JsonObject meeting =
          nodes
              .get(attempt % 2)
              .createMeeting(new JsonObject().put("chair", "Ada"))
              .await(30, SECONDS);
      String documentId = DocumentIds.fromUrl(meeting.getString("documentUrl"));
      int slot = redis.slotOf(prefix + "doc:{" + documentId + "}:snapshot");
      ClusterTopology.Shard shard =
          shards.stream().filter(s -> s.owns(slot)).findFirst().orElseThrow();
      meetingOfShard.putIfAbsent(shard.slots().get(0)[0], meeting);
    }
    return meetingOfShard;
  }

  private String storedBody(JsonObject meeting) throws Exception {
    return StoredMinutes.body(
        vertx,
        new RedisTopology.Cluster(RedisTopology.parseAddresses(redis.nodesSetting())),
        prefix,
        meeting.getString("documentUrl"));
  }

  private NodeClient client(TestNode node, JsonObject meeting) {
    NodeClient client =
        Typist.client(vertx, node.syncUrl(meeting.getJsonObject("tokens").getString("editor")));
    clients.add(client);
    return client;
  }

  private void closeClients() {
    clients.forEach(NodeClient::close);
    clients.clear();
  }
}
