package dev.minutes.meeting;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.RunningNode;
import dev.minutes.support.StoredAutomerge;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("A meeting's size limits, with the official automerge-repo client")
class SizeLimitsTest {
  private final List<NodeClient> clients = new ArrayList<>();

  @AfterEach
  void stopClients() {
    clients.forEach(NodeClient::close);
  }

  @Nested
  @DisplayName("with the default limits (200,000 characters)")
  class Defaults {
    @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();

    @Test
    @DisplayName(
        "a 2 MB paste is refused naming the limit, stored nowhere, and the others go on editing")
    void twoMegabytePaste() throws TimeoutException {
      JsonObject meeting =
          await(running.node().createMeeting(new JsonObject().put("chair", "Ada")));
      NodeClient writer = client(running, meeting, "editor");
      NodeClient paster = client(running, meeting, "editor");
      NodeClient viewer = client(running, meeting, "viewer");
      await(writer.command(cmd("type").put("text", "Before the paste. ").put("at", "end")));
      await(writer.command(cmd("waitSaved")));

      try (LogCapture logs = new LogCapture()) {
        await(paster.command(cmd("splice").put("index", 0).put("insert", words(2_000_000))));
        JsonObject refusal = await(paster.awaitEvent(NodeClient.isEvent("error-message")));

        assertThat(refusal.getString("message"))
            .startsWith("body-limit: ")
            .contains("inserts 2,000,000")
            .contains("limit of 200,000 characters (MINUTES_MAX_BODY_CHARS)")
            .contains("nothing stored");
        assertThat(logs.mentions("body-limit")).isTrue();
      }
      await(writer.command(cmd("type").put("text", "After the paste.").put("at", "end")));
      await(writer.command(cmd("waitSaved")));
      String seen =
          await(viewer.command(cmd("waitText").put("contains", "After the paste.")))
              .getString("text");
      assertThat(seen).hasSizeLessThan(10_000).contains("Before the paste. ");
      assertThat(storedBody(running, meeting)).isEqualTo(seen);
    }
  }

  @Nested
  @DisplayName("with small limits")
  class Small {
    @RegisterExtension
    final RunningNode running =
        RunningNode.create()
            .withNodeClients()
            .withSettings(
                java.util.Map.of(
                    "MINUTES_MAX_BODY_CHARS", "3000",
                    "MINUTES_MAX_CHANGES", "40",
                    "MINUTES_SESSION_IDLE_MS", "200"));

    private RedisInspector redis;

    @BeforeEach
    void openInspector() {
      redis = RedisInspector.open(running.node().prefix());
    }

    @AfterEach
    void closeInspector() {
      redis.close();
    }

    @Test
    @DisplayName(
        "a change that would pass MINUTES_MAX_BODY_CHARS is refused; smaller edits and deletions still pass")
    void bodyLimit() throws TimeoutException {
      JsonObject meeting =
          await(running.node().createMeeting(new JsonObject().put("chair", "Ada")));
      NodeClient editor = client(running, meeting, "editor");
      NodeClient other = client(running, meeting, "editor");
      int length = await(editor.command(cmd("text"))).getString("text").length();

      await(editor.command(cmd("splice").put("index", 0).put("insert", "x".repeat(3001 - length))));
      JsonObject refusal = await(editor.awaitEvent(NodeClient.isEvent("error-message")));
      assertThat(refusal.getString("message"))
          .startsWith("body-limit: the minutes hold " + length + " characters")
          .contains("limit of 3,000 characters");

      await(other.command(cmd("splice").put("index", 0).put("insert", "y".repeat(3000 - length))));
      await(other.command(cmd("waitSaved")));
      await(other.command(cmd("splice").put("index", 0).put("delete", 100)));
      await(other.command(cmd("waitSaved")));
      String stored = storedBody(running, meeting);
      assertThat(stored).hasSize(2900).doesNotContain("x").startsWith("y".repeat(2900 - length));
    }

    @Test
    @DisplayName(
        "a change that would pass MINUTES_MAX_CHANGES is refused, and the stored history stays within it")
    void changeLimit() throws TimeoutException {
      JsonObject meeting =
          await(running.node().createMeeting(new JsonObject().put("chair", "Ada")));
      NodeClient editor = client(running, meeting, "editor");
      NodeClient viewer = client(running, meeting, "viewer");

      // One change per key, a little apart, so that the client sends several messages.
      await(
          editor.command(
              cmd("type")
                  .put("text", "abcdefghij".repeat(6))
                  .put("at", "end")
                  .put("intervalMs", 40)));
      JsonObject refusal = await(editor.awaitEvent(NodeClient.isEvent("error-message")));

      assertThat(refusal.getString("message"))
          .startsWith("change-limit: the meeting's history would pass its limit of 40 changes");
      try (StoredAutomerge stored = StoredAutomerge.load(redis, meeting.getString("id"))) {
        assertThat(stored.changeCount()).isBetween(10L, 40L);
      }
      String text = await(viewer.command(cmd("text"))).getString("text");
      assertThat(storedBody(running, meeting)).isEqualTo(text);
    }
  }

  @Nested
  @DisplayName("metrics")
  class Metrics {
    @RegisterExtension
    final RunningNode running =
        RunningNode.create()
            .withNodeClients()
            .withSettings(java.util.Map.of("MINUTES_SESSION_IDLE_MS", "200"));

    @Test
    @DisplayName("an open document reports its size at /metrics, and its gauges go when it unloads")
    void sizeGauges() throws Exception {
      JsonObject meeting =
          await(running.node().createMeeting(new JsonObject().put("chair", "Ada")));
      NodeClient editor = client(running, meeting, "editor");
      await(editor.command(cmd("type").put("text", "ten chars!").put("at", "end")));
      await(editor.command(cmd("waitSaved")));
      int length = await(editor.command(cmd("text"))).getString("text").length();
      String document = "{document=\"" + meeting.getString("id") + "\"}";

      Await.until(
          "the body gauge shows the typed text",
          () ->
              metrics(running)
                  .contains("minutes_document_body_chars" + document + " " + length + ".0"));
      assertThat(metrics(running))
          .contains("minutes_document_changes" + document)
          .contains("minutes_document_memory_estimate_bytes" + document);

      editor.close();
      Await.until(
          "the gauges go with the unloaded document", () -> !metrics(running).contains(document));
    }

    private String metrics(RunningNode running) throws TimeoutException {
      return await(running.node().get("/metrics", null)).bodyAsString();
    }
  }

  private NodeClient client(RunningNode running, JsonObject meeting, String role)
      throws TimeoutException {
    NodeClient client =
        NodeClient.start(
            running.vertx(),
            "client.mjs",
            List.of(
                "--url", running.node().syncUrl(meeting.getJsonObject("tokens").getString(role))));
    clients.add(client);
    await(client.command(cmd("find").put("url", meeting.getString("documentUrl"))));
    return client;
  }

  private static String storedBody(RunningNode running, JsonObject meeting) {
    try (RedisInspector redis = RedisInspector.open(running.node().prefix());
        StoredAutomerge stored = StoredAutomerge.load(redis, meeting.getString("id"))) {
      return stored.string("body", stored.heads()).orElseThrow();
    }
  }

  /** Text that compresses about as well as prose does (the client sends it deflated). */
  private static String words(int length) {
    String[] words = {"meeting", "agenda", "release", "build", "minutes", "chair", "notes", "ci"};
    Random random = new Random(7);
    StringBuilder text = new StringBuilder(length + 16);
    while (text.length() < length) {
      text.append(words[random.nextInt(words.length)]).append(random.nextInt(9) == 0 ? ".\n" : " ");
    }
    return text.substring(0, length);
  }
}
