package dev.minutes.app;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.MinutesParser;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.ServerProcess;
import dev.minutes.support.TestMeeting;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract §4, "acknowledged means durable", with real processes: a server JVM is killed with
 * SIGKILL right after a client saw its edit in the server's heads, and a new server process on the
 * same storage serves that edit.
 */
@DisplayName("An acknowledged edit survives a kill -9 of the server")
@Timeout(value = 180, unit = SECONDS)
class CrashDurabilityTest {
  private static final String EDIT = "Acknowledged before the crash. ";

  private Vertx vertx;
  private WebClient http;
  private final List<AutoCloseable> processes = new ArrayList<>();
  private final List<ProcessHandle> strays = new ArrayList<>();
  @TempDir Path workDir;

  @BeforeEach
  void start() {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable process : processes) {
      process.close();
    }
    strays.forEach(ProcessHandle::destroyForcibly);
    http.close();
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "on a shared Redis: a new server process serves the edit the killed one acknowledged")
  void sharedRedis(@TempDir Path dataDir) throws Exception {
    String prefix = RedisHarness.newPrefix();
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", RedisHarness.url());
    env.put("MINUTES_REDIS_PREFIX", prefix);
    env.put("MINUTES_DATA_DIR", dataDir.toString());
    try {
      assertEditSurvivesKill(env);
    } finally {
      RedisHarness.cleanup(vertx, prefix).await(30, SECONDS);
    }
  }

  @Test
  @DisplayName(
      "with the embedded Redis: a new server process on the same data directory serves the edit")
  void embeddedRedis(@TempDir Path dataDir) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("MINUTES_DATA_DIR", dataDir.toString());

    List<ProcessHandle> firstRedis = assertEditSurvivesKill(env);

    assertThat(firstRedis).as("the first server's embedded redis-server").isNotEmpty();
    assertThat(firstRedis)
        .as(
            "a redis-server orphaned by the kill is stopped by the next server on its data directory")
        .noneMatch(ProcessHandle::isAlive);
  }

  /**
   * Edits through the first server until it acknowledged, kills it, and checks with a second server
   * on the same settings. Returns what the first server had started (its children) at the kill.
   */
  private List<ProcessHandle> assertEditSurvivesKill(Map<String, String> env) throws Exception {
    env.put("MINUTES_HTTP_PORT", "0");
    env.put("MINUTES_SESSION_IDLE_MS", "200");
    ServerProcess first = server(env);
    int firstPort = await(first.ready());
    TestMeeting meeting = TestMeeting.from(await(createMeeting(firstPort)));
    String expected;
    try (NodeClient editor = client(firstPort, meeting.editorToken())) {
      String initial =
          await(editor.command(cmd("find").put("url", meeting.documentUrl()))).getString("text");
      await(editor.command(cmd("type").put("text", EDIT).put("at", 0)));
      JsonObject saved = await(editor.command(cmd("waitSaved")));
      assertThat(saved.getJsonArray("serverHeads")).isNotEmpty();
      expected = EDIT + initial;
      assertThat(await(editor.command(cmd("text"))).getString("text")).isEqualTo(expected);

      List<ProcessHandle> children = first.children();
      strays.addAll(children);
      first.kill();

      ServerProcess second = server(env);
      int secondPort = await(second.ready());
      try (NodeClient reader = client(secondPort, meeting.viewerToken())) {
        JsonObject found = await(reader.command(cmd("find").put("url", meeting.documentUrl())));
        assertThat(found.getString("text")).isEqualTo(expected);
      }
      String markdown =
          await(
                  http.get(secondPort, "127.0.0.1", "/api/meetings/" + meeting.id() + "/minutes.md")
                      .bearerTokenAuthentication(meeting.viewerToken())
                      .send())
              .bodyAsString();
      assertThat(MinutesParser.parse(markdown).body())
          .as(String.join("\n", second.tail(40)))
          .isEqualTo(expected);
      return children;
    }
  }

  private Future<JsonObject> createMeeting(int port) {
    return http.post(port, "127.0.0.1", "/api/meetings")
        .sendJsonObject(TestMeeting.request("Lin"))
        .map(
            response -> {
              assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
              return response.bodyAsJsonObject();
            });
  }

  private ServerProcess server(Map<String, String> env) {
    ServerProcess server = ServerProcess.start(env, workDir);
    processes.add(server);
    return server;
  }

  private NodeClient client(int port, String token) {
    return NodeClient.start(
        vertx, "client.mjs", List.of("--url", "ws://127.0.0.1:" + port + "/sync?token=" + token));
  }
}
