package dev.minutes.reliability;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.ClusterTopology;
import dev.minutes.support.NodeClient;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A weekly call as a series on a Redis Cluster of three shards (real Debian processes, each primary
 * with a replica confirming every acknowledged write): the series and its calls live in different
 * slots, so every step that spans them (starting a call, the token index, the close's outbox and
 * publication names, reopening) must run as single-slot scripts.
 */
@DisplayName("Redis Cluster: a series whose record and calls live on different shards")
@Timeout(value = 240, unit = SECONDS)
class SeriesClusterTest {
  private static ClusterTopology redis;
  private static Vertx vertx;
  private static String prefix;
  private static Path folder;
  private static final List<TestNode> nodes = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    redis = ClusterTopology.start();
    vertx = Vertx.vertx();
    prefix = "series-cluster-" + UUID.randomUUID() + ":";
    folder = Files.createTempDirectory("minutes-series-cluster");
    Map<String, String> settings =
        Map.of(
            "REDIS_CLUSTER_NODES",
            redis.nodesSetting(),
            "MINUTES_REDIS_MIN_REPLICAS",
            "1",
            "MINUTES_PUBLISH_FOLDER",
            folder.toString());
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
      "created, its first call typed into and closed, the next call started from those minutes,"
          + " the first call reopened, corrected and republished as revision 2 under the same name")
  void seriesAcrossShards() throws Exception {
    JsonObject series = null;
    JsonObject first = null;
    // Until the series and its first call live on different shards (two in three do).
    for (int attempt = 0; attempt < 20; attempt++) {
      series = post(0, "/api/series", null, weekly(), 201);
      first = post(1, calls(series), token(series, "chair"), date("2030-03-06"), 201);
      if (primaryOf("series:{" + id(series) + "}") != primaryOf("meeting:{" + id(first) + "}")) {
        break;
      }
    }
    assertThat(primaryOf("series:{" + id(series) + "}"))
        .isNotEqualTo(primaryOf("meeting:{" + id(first) + "}"));
    String firstId = id(first);

    NodeClient editor =
        NodeClient.start(
            vertx, "client.mjs", List.of("--url", nodes.get(0).syncUrl(token(series, "editor"))));
    try {
      await(editor.command(cmd("find").put("url", first.getString("documentUrl"))));
      type(editor, "- [ ] Bob: ship the release\n\nNext call is scheduled for **20th March**.\n");

      PublishProbe probe = new PublishProbe(vertx);
      try (probe) {
        JsonObject closed = post(1, close(first), token(series, "chair"), null, 200);
        assertThat(closed.getInteger("revision")).isEqualTo(1);
        await(probe.outcome(id(first), "folder", "delivered"));
        String revisionOne = Files.readString(folder.resolve("2030-03-06.md"));
        assertThat(revisionOne).contains("Bob: ship the release");

        JsonObject second = post(0, calls(series), token(series, "chair"), new JsonObject(), 201);
        assertThat(second.getString("date")).isEqualTo("2030-03-20");
        JsonObject view = get(1, "/api/series/" + id(series), token(series, "viewer"));
        assertThat(view.getString("current")).isEqualTo(id(second));
        assertThat(
                view.getJsonArray("meetings").stream().map(m -> ((JsonObject) m).getString("id")))
            .containsExactly(id(second), id(first));
        assertThat(view.getJsonArray("openActions").getJsonObject(0).getString("owner"))
            .isEqualTo("Bob");

        JsonObject reopened = post(1, reopen(first), token(series, "chair"), null, 200);
        assertThat(reopened).isEqualTo(new JsonObject().put("status", "open").put("revision", 1));
        // The editor's session is on the other node: the reopen notice crossed the cluster.
        await(editor.command(cmd("waitDoc").put("path", List.of("status")).put("equals", "open")));
        type(editor, "A correction.\n");
        JsonObject closedAgain = post(0, close(first), token(series, "chair"), null, 200);
        assertThat(closedAgain.getInteger("revision")).isEqualTo(2);
        await(
            probe.first(
                e ->
                    firstId.equals(e.getString("meetingId"))
                        && "folder".equals(e.getString("target"))
                        && "delivered".equals(e.getString("outcome"))
                        && e.getString("jobId").endsWith(".r2")));

        try (Stream<Path> files = Files.list(folder)) {
          assertThat(files.map(f -> f.getFileName().toString())).containsExactly("2030-03-06.md");
        }
        assertThat(Files.readString(folder.resolve("2030-03-06.md")))
            .isEqualTo(revisionOne + "A correction.\n");
        assertThat(minutes(0, first, "?revision=1")).isEqualTo(revisionOne);
        assertThat(editor.events("error-message")).as("no change refused").isEmpty();
      }
    } finally {
      editor.close();
    }
  }

  private static JsonObject weekly() {
    return new JsonObject()
        .put("title", "Weekly call")
        .put("chair", "Ada")
        .put("attendees", new JsonArray(List.of("Ben", "Carol")))
        .put("agenda", new JsonArray(List.of("Releases")))
        .put("cadenceDays", 7);
  }

  private static JsonObject date(String date) {
    return new JsonObject().put("date", date);
  }

  /** The port of the primary holding {@code key} under this test's prefix: its shard. */
  private static int primaryOf(String key) throws Exception {
    return redis.shardOf(redis.slotOf(prefix + key)).primary();
  }

  private static void type(NodeClient client, String text) throws Exception {
    await(client.command(cmd("type").put("text", text).put("at", "end").put("perChange", 16)));
    await(client.command(cmd("waitSaved")));
  }

  private static String minutes(int node, JsonObject meeting, String query) throws Exception {
    HttpResponse<Buffer> response =
        await(
            nodes
                .get(node)
                .get(
                    "/api/meetings/" + id(meeting) + "/minutes.md" + query,
                    token(meeting, "viewer")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsString();
  }

  private static JsonObject get(int node, String path, String token) throws Exception {
    HttpResponse<Buffer> response = await(nodes.get(node).get(path, token));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonObject post(int node, String path, String token, JsonObject body, int status)
      throws Exception {
    HttpResponse<Buffer> response = await(nodes.get(node).post(path, token, body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static String calls(JsonObject series) {
    return "/api/series/" + id(series) + "/meetings";
  }

  private static String close(JsonObject meeting) {
    return "/api/meetings/" + id(meeting) + "/close";
  }

  private static String reopen(JsonObject meeting) {
    return "/api/meetings/" + id(meeting) + "/reopen";
  }

  private static String id(JsonObject created) {
    return created.getString("id");
  }

  private static String token(JsonObject created, String role) {
    return created.getJsonObject("tokens").getString(role);
  }
}
