package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.LogCapture;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Nodes of one deployment that publish differently are named in the log")
class SettingsCheckTest {
  private static final Map<String, String> FOLDER_ONLY = Map.of();
  private static final Map<String, String> WITH_WEBHOOK =
      Map.of(
          "MINUTES_WEBHOOK_URL",
          "http://docs.invalid:9/hook?key=do-not-log",
          "MINUTES_WEBHOOK_SECRET",
          "whsec_c2VjcmV0");

  private Vertx vertx;
  private String prefix;
  private final List<TestNode> nodes = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    prefix = RedisHarness.newPrefix();
  }

  @AfterEach
  void stop() throws Exception {
    for (TestNode node : nodes) {
      node.stopAndClean().await(30, SECONDS);
    }
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "a node started without the others' webhook warns at start, naming both settings, the secret"
          + " only as a digest and the address without its query")
  void differentWebhook() throws Exception {
    try (LogCapture logs = new LogCapture()) {
      start(WITH_WEBHOOK);
      TestNode folderOnly = start(FOLDER_ONLY);

      // The node compared when it started; asking again settles the race with that first look.
      assertThat(await(check(folderOnly)))
          .singleElement(InstanceOfAssertFactories.STRING)
          .startsWith("folder on, webhook http://docs.invalid:9/hook");
      List<String> warnings =
          logs.lines().stream().filter(line -> line.contains("publish settings differ")).toList();
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0))
          .startsWith("WARN")
          .contains("this node publishes with folder on, webhook off")
          .contains("webhook http://docs.invalid:9/hook (secrets sha256 ")
          .contains("MINUTES_WEBHOOK_URL")
          .doesNotContain("do-not-log")
          .doesNotContain("c2VjcmV0");
    }
  }

  @Test
  @DisplayName("nodes with the same settings say nothing, and a stopped node is no longer compared")
  void sameSettings() throws Exception {
    start(WITH_WEBHOOK);
    start(WITH_WEBHOOK);
    TestNode other = start(FOLDER_ONLY);
    assertThat(await(check(other))).as("the folder-only node differs").hasSize(1);
    nodes.remove(other);
    other.stopAndClean().await(30, SECONDS);

    TestNode last = start(WITH_WEBHOOK);

    assertThat(await(check(last)))
        .as("the webhook nodes agree, and the folder-only node withdrew when it stopped")
        .isEmpty();
  }

  private static Future<Set<String>> check(TestNode node) {
    return node.node().publish().settingsCheck().check();
  }

  private TestNode start(Map<String, String> settings) throws Exception {
    TestNode node = TestNode.start(vertx, prefix, settings).await(30, SECONDS);
    nodes.add(node);
    return node;
  }
}
