package dev.minutes.scale;

import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.ClusterTopology;
import dev.minutes.support.NodeClient;
import dev.minutes.support.TestNode;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How many meetings one node holds at once on a Redis Cluster. A loaded meeting subscribes to two
 * channels on its shard; with Redisson's default of five channels per subscription connection a
 * node could hold about twenty meetings per shard, and the next one was answered 503.
 */
@DisplayName("Redis Cluster: one node holds hundreds of meetings at once")
@Timeout(value = 240, unit = SECONDS)
class ClusterCapacityTest {
  /** About 40 a shard, twice what the old setting allowed. */
  private static final int MEETINGS = 120;

  private ClusterTopology redis;
  private Vertx vertx;
  private String prefix;
  private TestNode holder;
  private TestNode writer;
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    redis = ClusterTopology.start();
    vertx = Vertx.vertx();
    prefix = "capacity-" + UUID.randomUUID() + ":";
    // The holder keeps every meeting it opened loaded, and so subscribed, for the whole test.
    holder =
        TestNode.start(
                vertx,
                prefix,
                Map.of(
                    "REDIS_CLUSTER_NODES",
                    redis.nodesSetting(),
                    "MINUTES_SESSION_IDLE_MS",
                    "600000"))
            .await(60, SECONDS);
    writer =
        TestNode.start(vertx, prefix, Map.of("REDIS_CLUSTER_NODES", redis.nodesSetting()))
            .await(60, SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(NodeClient::close);
    TestNode.stopAll(Arrays.asList(holder, writer), vertx, redis);
  }

  @Test
  @DisplayName(
      "120 meetings open on one node; the last one opened on each shard still hears what another"
          + " node writes to it")
  void hundredsOfMeetingsOnOneNode() throws Exception {
    Map<Integer, JsonObject> lastOnShard = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < MEETINGS; i++) {
      JsonObject meeting =
          holder.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
      var opened = holder.get(meetingPath(meeting), token(meeting, "viewer")).await(60, SECONDS);
      if (opened.statusCode() != 200) {
        refused.add("meeting " + i + ": " + opened.statusCode() + " " + opened.bodyAsString());
      }
      lastOnShard.put(shardOf(meeting), meeting);
    }
    assertThat(refused).as("meetings the holder could not open").isEmpty();
    assertThat(holder.metric("minutes_open_documents").await(30, SECONDS))
        .as("meetings loaded on the holder at once")
        .isEqualTo((double) MEETINGS);
    assertThat(lastOnShard).hasSize(ClusterTopology.SHARDS);

    for (JsonObject meeting : lastOnShard.values()) {
      String line = "Written through the other node into " + meeting.getString("id");
      NodeClient client =
          NodeClient.start(
              vertx, "client.mjs", List.of("--url", writer.syncUrl(token(meeting, "editor"))));
      clients.add(client);
      client.command(cmd("find").put("url", meeting.getString("documentUrl"))).await(30, SECONDS);
      client.command(cmd("type").put("text", line).put("at", "end")).await(30, SECONDS);
      client.command(cmd("waitSaved")).await(30, SECONDS);
      // The holder reads from its loaded session, which only the document's shard channel wakes.
      Await.until(
          "the holder's copy of " + meeting.getString("id") + " holds the other node's line",
          () -> bodyOnHolder(meeting).contains(line));
    }
  }

  private String bodyOnHolder(JsonObject meeting) throws Exception {
    return holder
        .get(meetingPath(meeting), token(meeting, "viewer"))
        .await(30, SECONDS)
        .bodyAsJsonObject()
        .getString("body");
  }

  private int shardOf(JsonObject meeting) throws Exception {
    String documentId = DocumentIds.fromUrl(meeting.getString("documentUrl"));
    return redis.shardOf(redis.slotOf(prefix + "doc:{" + documentId + "}:snapshot")).primary();
  }

  private static String meetingPath(JsonObject meeting) {
    return "/api/meetings/" + meeting.getString("id");
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }
}
