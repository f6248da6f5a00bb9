package dev.minutes.scale;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.app.EmbeddedRedis;
import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeCommandException;
import dev.minutes.support.NodeProject;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis restarted in the middle of a call, with AOF on: nothing acknowledged is lost, nothing
 * unstored is acknowledged.
 */
@DisplayName("Redis restarts mid-call")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOutageTest {
  private Vertx vertx;
  private Path dir;
  private EmbeddedRedis redis;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    dir = Files.createTempDirectory("minutes-outage");
    redis = EmbeddedRedis.start(dir);
    node = TestNode.start(vertx, "outage:", Map.of("REDIS_URL", redis.url())).await(30, SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    node.stop().await(30, SECONDS);
    redis.stop();
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "edits made while Redis is down are acknowledged only after it is back, then stored; readiness follows Redis")
  void editsDuringOutageAreStoredOnceRedisIsBack() throws Exception {
    JsonObject meeting =
        node.createMeeting(new JsonObject().put("chair", "Ada")).await(30, SECONDS);
    String token = meeting.getJsonObject("tokens").getString("editor");
    String url = meeting.getString("documentUrl");
    try (LogCapture logs = new LogCapture();
        NodeClient typist =
            NodeClient.start(vertx, "client.mjs", List.of("--url", node.syncUrl(token)))) {
      await(typist.command(cmd("find").put("url", url)));
      await(typist.command(cmd("type").put("text", "before the outage. ").put("at", "end")));
      await(typist.command(cmd("waitSaved")));

      int port = redis.port();
      redis.stop();
      for (int probe = 0; probe < 3; probe++) {
        assertThat(await(node.get("/health/ready", null)).statusCode()).isEqualTo(503);
      }
      await(typist.command(cmd("type").put("text", "during the outage. ").put("at", "end")));
      // Not acknowledged while Redis is away: the server's heads never include the new edit.
      Future<JsonObject> saved = typist.command(cmd("waitSaved").put("timeoutMs", 1500));
      assertThat(
              saved
                  .transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null))
                  .await(30, SECONDS))
          .isInstanceOf(NodeCommandException.class);

      redis = EmbeddedRedis.start(dir, port);
      await(typist.command(cmd("waitSaved").put("timeoutMs", 60_000)));
      assertThat(await(node.get("/health/ready", null)).statusCode()).isEqualTo(200);
      assertThat(logs.lines().stream().filter(line -> line.contains("Redis not ready")))
          .as("readiness probes log the change, not every probe")
          .hasSize(1);
      assertThat(logs.lines()).anyMatch(line -> line.contains("Redis ready again"));
      assertThat(logs.lines())
          .as("an outage is waited out: the append retries, the session is not thrown away")
          .noneMatch(line -> line.contains("sync cycle failed"))
          .as("without Redisson's command dump")
          .noneMatch(line -> line.contains("redis.call"));
      assertThat(
              logs.lines().stream()
                  .filter(line -> line.startsWith("WARN") && line.contains("store unavailable")))
          .as("one warning when the outage starts, the retries at debug level")
          .hasSize(1);
      assertThat(logs.lines())
          .as("and a line when the held changes are stored")
          .anyMatch(line -> line.startsWith("INFO") && line.contains("stored again after"));
    }
    String stored =
        await(node.get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token))
            .bodyAsString();
    assertThat(stored).contains("before the outage. during the outage. ");
  }
}
