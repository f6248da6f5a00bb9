package dev.minutes.loadtool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.store.RedisTopology;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.ReferenceServer;
import dev.minutes.support.StoredMinutes;
import dev.minutes.support.TestNode;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool's typists are real protocol clients with their own Automerge replicas (automerge
 * 0.5, version 1 sync messages), so a run against a node also exercises the server's fast sync path
 * for steady peers: every keystroke must reach every other typist of its meeting.
 */
@DisplayName("The load tool against a minutes node")
class LoadToolTest {
  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    node = TestNode.start(vertx).await(30, SECONDS);
  }

  @AfterEach
  void stop() throws TimeoutException {
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "typists in two meetings deliver every keystroke to every other typist of their meeting, with no refusal")
  void everyKeystrokeArrives() throws TimeoutException {
    LoadOptions options =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--typists",
              "6",
              "--meeting-size",
              "3",
              "--rate",
              "20",
              "--warmup",
              "500ms",
              "--duration",
              "2s",
              "--drain",
              "20s",
              "--server-pid",
              String.valueOf(ProcessHandle.current().pid())
            });

    JsonObject result = run(options).getJsonObject("result");

    assertThat(result.getLong("keystrokes")).isGreaterThan(0);
    assertThat(result.getLong("deliveriesMeasured")).isEqualTo(result.getLong("keystrokes") * 2);
    assertThat(result.getLong("deliveriesExpected"))
        .isEqualTo(result.getLong("deliveriesMeasured"));
    assertThat(result.getLong("undeliveredAfterDrain")).isZero();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getJsonObject("latencyMs").getDouble("max")).isPositive();
    assertThat(result.getJsonObject("wire").getLong("leanMessages"))
        .as("typists in step with the server work out their messages without Automerge's sync")
        .isGreaterThan(result.getLong("keystrokes"));
    assertThat(result.getJsonObject("wire").getLong("leanFallbacks")).isZero();
    assertThat(result.getJsonObject("wire").getLong("writtenKeystrokes"))
        .as(
            "in step, typists write their keystrokes' changes themselves (the first of each goes through Automerge)")
        .isGreaterThan(result.getLong("keystrokes") / 2);
    // The node runs in this JVM, so its event loops are among the "server" threads measured.
    JsonArray threads =
        result.getJsonArray("serverProcesses").getJsonObject(0).getJsonArray("threads");
    assertThat(threads.stream().map(JsonObject.class::cast))
        .as("the server's CPU is also reported per thread group")
        .anySatisfy(
            group -> {
              assertThat(group.getString("name")).isEqualTo("vert.x-eventloo");
              assertThat(group.getDouble("cpuPercent")).isPositive();
              assertThat(group.getDouble("wakeUpsPerSecond")).isPositive();
            });
    assertThat(result.getDouble("serverWakeUpsPerKeystroke")).isPositive();
  }

  @Test
  @DisplayName(
      "typists of one meeting spread over two nodes of one Redis: every keystroke reaches every other typist")
  void meetingSpansTwoNodes() throws TimeoutException {
    TestNode second = TestNode.start(vertx, node.prefix(), java.util.Map.of()).await(30, SECONDS);
    try {
      LoadOptions options =
          LoadOptions.parse(
              new String[] {
                "--server",
                "ws://127.0.0.1:" + node.port() + "/sync,ws://127.0.0.1:" + second.port() + "/sync",
                "--typists",
                "4",
                "--meeting-size",
                "4",
                "--rate",
                "20",
                "--warmup",
                "500ms",
                "--duration",
                "2s",
                "--drain",
                "20s"
              });

      JsonObject result = run(options).getJsonObject("result");

      assertThat(result.getLong("keystrokes")).isGreaterThan(0);
      assertThat(result.getLong("deliveriesMeasured")).isEqualTo(result.getLong("keystrokes") * 3);
      assertThat(result.getLong("undeliveredAfterDrain")).isZero();
      assertThat(result.getLong("errors")).isZero();
    } finally {
      second.stop().await(30, SECONDS);
    }
  }

  @Test
  @DisplayName(
      "JavaScript typists and watchers in two Node workers: every keystroke reaches every other member of its meeting and is in the stored minutes, each worker's CPU is reported")
  void javaScriptClientsDeliverEveryKeystroke() throws Exception {
    NodeProject.ensureInstalled(NodeProject.LOAD_TOOL);
    LoadOptions options =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--clients",
              "js",
              "--typists",
              "4",
              "--meeting-size",
              "2",
              "--watchers",
              "1",
              "--workers",
              "2",
              "--rate",
              "20",
              "--warmup",
              "500ms",
              "--duration",
              "2s",
              "--drain",
              "20s",
              "--node-dir",
              NodeProject.LOAD_TOOL.toString(),
              "--server-pid",
              String.valueOf(ProcessHandle.current().pid())
            });

    JsonObject result = run(options).getJsonObject("result");

    assertThat(result.getLong("keystrokes")).isGreaterThan(0);
    assertThat(result.getLong("deliveriesExpected"))
        .as("two typists and a watcher per meeting: each keystroke is owed to two others")
        .isEqualTo(result.getLong("keystrokes") * 2);
    assertThat(result.getLong("deliveriesMeasured"))
        .isEqualTo(result.getLong("deliveriesExpected"));
    assertThat(result.getLong("undeliveredAfterDrain")).isZero();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getJsonArray("toolProcesses").stream().map(JsonObject.class::cast))
        .hasSize(2)
        .allSatisfy(worker -> assertThat(worker.getDouble("cpuPercent")).isPositive());
    assertThat(result.getDouble("loadToolCpuPercent"))
        .isGreaterThan(result.getDouble("loadToolOwnCpuPercent"));
    assertThat(result.getDouble("serverWakeUpsPerKeystroke")).isPositive();
    for (Object each : result.getJsonArray("documents")) {
      JsonObject document = (JsonObject) each;
      String stored =
          StoredMinutes.body(
              vertx,
              new RedisTopology.Standalone(RedisHarness.url()),
              node.prefix(),
              DocumentIds.toUrl(document.getString("documentId")));
      JsonArray typed = document.getJsonArray("typed");
      for (int author = 0; author < typed.size(); author++) {
        char letter = (char) ('a' + author);
        assertThat(count(stored, letter) - count(document.getString("initialBody"), letter))
            .as("typist %d of meeting %s types '%s'", author, document, letter)
            .isEqualTo(typed.getLong(author))
            .isPositive();
      }
    }
  }

  private static long count(String text, char letter) {
    return text.chars().filter(c -> c == letter).count();
  }

  @Test
  @DisplayName(
      "official Repos against a server without a meetings API: a worker creates each document over the protocol, every keystroke arrives")
  void repoClientsAgainstAReferenceServer() throws TimeoutException {
    NodeProject.ensureInstalled(NodeProject.LOAD_TOOL);
    try (ReferenceServer reference = ReferenceServer.start(vertx).await(60, SECONDS)) {
      LoadOptions options =
          LoadOptions.parse(
              new String[] {
                "--server",
                reference.url(),
                "--protocol-only",
                "--clients",
                "repo",
                "--typists",
                "2",
                "--meeting-size",
                "2",
                "--watchers",
                "1",
                "--rate",
                "10",
                "--warmup",
                "500ms",
                "--duration",
                "2s",
                "--drain",
                "20s",
                "--node-dir",
                NodeProject.LOAD_TOOL.toString()
              });

      JsonObject result = run(options).getJsonObject("result");

      assertThat(result.getLong("keystrokes")).isGreaterThan(0);
      assertThat(result.getLong("deliveriesMeasured")).isEqualTo(result.getLong("keystrokes") * 2);
      assertThat(result.getLong("undeliveredAfterDrain")).isZero();
      assertThat(result.getLong("errors")).isZero();
      assertThat(result.getInteger("workers")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName(
      "--clients is java, js or repo; --watchers is not negative; both refused by name otherwise")
  void clientOptions() {
    String[] base = {"--server", "ws://127.0.0.1:1/sync"};
    assertThat(LoadOptions.parse(base).clients()).isEqualTo(LoadOptions.Clients.JAVA);
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {base[0], base[1], "--clients", "go"}))
        .hasMessageContaining("--clients");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {base[0], base[1], "--watchers", "-1"}))
        .hasMessageContaining("--watchers");
    assertThat(LoadOptions.parse(new String[] {base[0], base[1], "--watchers", "3"}).watchers())
        .isEqualTo(3);
  }

  @Test
  @DisplayName(
      "Java watchers on viewer links get every keystroke of their meeting, and their latency is reported on its own")
  void javaWatchersGetEveryKeystroke() throws TimeoutException {
    LoadOptions options =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--typists",
              "2",
              "--meeting-size",
              "2",
              "--watchers",
              "3",
              "--rate",
              "20",
              "--warmup",
              "500ms",
              "--duration",
              "2s",
              "--drain",
              "20s"
            });

    JsonObject result = run(options).getJsonObject("result");

    long keystrokes = result.getLong("keystrokes");
    assertThat(keystrokes).isGreaterThan(0);
    assertThat(result.getLong("deliveriesExpected"))
        .as("each keystroke is owed to the other typist and the three watchers")
        .isEqualTo(keystrokes * 4);
    assertThat(result.getLong("deliveriesMeasured"))
        .isEqualTo(result.getLong("deliveriesExpected"));
    assertThat(result.getLong("watcherDeliveriesMeasured")).isEqualTo(keystrokes * 3);
    assertThat(result.getJsonObject("watcherLatencyMs").getDouble("max")).isPositive();
    assertThat(result.getLong("undeliveredAfterDrain")).isZero();
    assertThat(result.getLong("errors"))
        .as("a viewer link only reads: the server refuses nothing a watcher sends")
        .isZero();
    assertThat(result.getJsonObject("wire").getLong("leanFallbacks")).isZero();
  }

  @Test
  @DisplayName(
      "a long meeting of three authors grows to the changes asked, is measured at its start and its end, joined whole, and unloaded once everyone left")
  void longMeetingGrowsJoinsAndUnloads(@TempDir Path folder) throws Exception {
    Path state = folder.resolve("state.json");
    LoadOptions options =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--scenario",
              "long-meeting",
              "--typists",
              "3",
              "--changes",
              "300",
              "--rate",
              "20",
              "--warmup",
              "200ms",
              "--duration",
              "1s",
              "--drain",
              "20s",
              "--unload-wait",
              "60s",
              "--state",
              state.toString(),
              "--server-pid",
              String.valueOf(ProcessHandle.current().pid())
            });

    JsonObject result = run(options).getJsonObject("result");

    assertThat(result.getLong("changes")).isGreaterThanOrEqualTo(300);
    JsonObject start = result.getJsonObject("start");
    JsonObject end = result.getJsonObject("end");
    assertThat(start.getLong("changes")).isPositive();
    assertThat(end.getLong("changesBefore"))
        .as("the last window starts once the meeting is nearly as long as asked")
        .isGreaterThan(start.getLong("changesBefore") + start.getLong("changes"));
    assertThat(end.getDouble("serverCpuMsPerChange")).isPositive();
    assertThat(end.getJsonObject("latencyMs").getDouble("max")).isPositive();
    assertThat(result.getLong("undeliveredAfterDrain")).isZero();
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getJsonArray("joinMs")).hasSize(3);
    assertThat(result.getDouble("unloadedAfterSeconds"))
        .as("the server unloads the meeting after its idle time once every client left")
        .isNotNull();
    JsonObject stored = new JsonObject(Files.readString(state));
    assertThat(stored.getLong("changes")).isEqualTo(result.getLong("changes"));
    assertThat(stored.getString("heads")).isNotEmpty();
  }

  @Test
  @DisplayName("--placement is by client unless it says meeting; anything else is refused by name")
  void placementOption() {
    String[] base = {"--server", "ws://127.0.0.1:1/sync,ws://127.0.0.1:2/sync"};
    assertThat(LoadOptions.parse(base).meetingPlacement()).isFalse();
    assertThat(
            LoadOptions.parse(new String[] {base[0], base[1], "--placement", "meeting"})
                .meetingPlacement())
        .isTrue();
    assertThatThrownBy(
            () -> LoadOptions.parse(new String[] {base[0], base[1], "--placement", "node"}))
        .hasMessageContaining("--placement");
  }

  @Test
  @DisplayName(
      "with --full-sync every message goes through Automerge's sync, and every keystroke still arrives")
  void fullSyncDeliversToo() throws TimeoutException {
    LoadOptions options =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--typists",
              "3",
              "--meeting-size",
              "3",
              "--rate",
              "20",
              "--warmup",
              "500ms",
              "--duration",
              "1s",
              "--drain",
              "20s",
              "--full-sync"
            });

    JsonObject result = run(options).getJsonObject("result");

    assertThat(result.getLong("keystrokes")).isGreaterThan(0);
    assertThat(result.getLong("deliveriesMeasured")).isEqualTo(result.getLong("keystrokes") * 2);
    assertThat(result.getLong("undeliveredAfterDrain")).isZero();
    assertThat(result.getJsonObject("wire").getLong("leanMessages")).isZero();
    assertThat(result.getJsonObject("wire").getLong("writtenKeystrokes")).isZero();
  }

  @Test
  @DisplayName(
      "a late joiner of a stored meeting ends up with exactly the seeder's heads, and a later fetch too")
  void lateJoinerGetsTheWholeMeeting(@TempDir Path folder) throws Exception {
    Path state = folder.resolve("state.json");
    LoadOptions join =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--scenario",
              "late-joiner",
              "--changes",
              "2000",
              "--state",
              state.toString()
            });

    JsonObject joined = run(join).getJsonObject("result");

    assertThat(joined.getJsonArray("joinMs")).hasSize(5);
    assertThat(joined.getJsonArray("arrivedMs").getDouble(0))
        .as("the document arrives before the joiner holds it")
        .isPositive()
        .isLessThanOrEqualTo(joined.getJsonArray("joinMs").getDouble(0));
    assertThat(joined.getLong("errors")).isZero();
    JsonObject stored = new JsonObject(Files.readString(state));
    assertThat(stored.getString("heads")).isNotEmpty();

    LoadOptions fetch =
        LoadOptions.parse(
            new String[] {
              "--server",
              "ws://127.0.0.1:" + node.port() + "/sync",
              "--scenario",
              "fetch",
              "--state",
              state.toString()
            });
    JsonObject fetched = run(fetch).getJsonObject("result");
    assertThat(fetched.getJsonArray("joinMs")).hasSize(2);
    assertThat(fetched.getLong("errors")).isZero();
  }

  private JsonObject run(LoadOptions options) throws TimeoutException {
    WebSocketClient client =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(64 << 20));
    DocumentSource documents = new DocumentSource(vertx, options.servers(), options.protocolOnly());
    try {
      return new JsonObject()
          .put("result", LoadTool.run(vertx, options, client, documents).await(120, SECONDS));
    } finally {
      documents.close();
      client.close();
    }
  }
}
