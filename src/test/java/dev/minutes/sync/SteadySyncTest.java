package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.NodeClient;
import dev.minutes.support.RunningNode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official client (automerge 3, version 2 sync messages) through the server's cycle with its
 * skipped generations and its whole-document answer to a peer that holds nothing: many
 * one-character changes from three editors at once, then a late joiner. The fast path for version 1
 * peers is exercised by {@code LoadToolTest}.
 */
@DisplayName("Many small changes with the official automerge-repo client")
class SteadySyncTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();

  @Test
  @DisplayName(
      "three editors typing one change per character converge, and a late joiner receives all of it")
  void editorsAndLateJoinerConverge() throws TimeoutException {
    JsonObject meeting = await(running.node().createMeeting(new JsonObject().put("chair", "Ada")));
    String token = meeting.getJsonObject("tokens").getString("editor");
    String url = meeting.getString("documentUrl");
    try (NodeClient a =
            NodeClient.start(
                running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)));
        NodeClient b =
            NodeClient.start(
                running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)));
        NodeClient c =
            NodeClient.start(
                running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)))) {
      for (NodeClient client : List.of(a, b, c)) {
        await(client.command(cmd("find").put("url", url)));
      }
      String wordA = "alpha-".repeat(15);
      String wordB = "bravo-".repeat(15);
      String wordC = "charlie-".repeat(12);
      await(
          Future.all(
              a.command(
                  cmd("type")
                      .put("text", wordA)
                      .put("at", 0)
                      .put("perChange", 1)
                      .put("intervalMs", 2)),
              b.command(
                  cmd("type")
                      .put("text", wordB)
                      .put("at", "end")
                      .put("perChange", 1)
                      .put("intervalMs", 2)),
              c.command(
                  cmd("type")
                      .put("text", wordC)
                      .put("at", 0)
                      .put("perChange", 1)
                      .put("intervalMs", 3))));
      for (NodeClient client : List.of(a, b, c)) {
        await(client.command(cmd("waitSaved")));
      }
      String textA = await(a.command(cmd("waitText").put("contains", wordB))).getString("text");
      String textB = await(b.command(cmd("waitText").put("contains", wordC))).getString("text");
      String textC = await(c.command(cmd("waitText").put("contains", wordA))).getString("text");
      assertThat(textB).isEqualTo(textA);
      assertThat(textC).isEqualTo(textA);
      assertThat(textA).contains(wordA, wordB, wordC);

      try (NodeClient late =
          NodeClient.start(
              running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)))) {
        await(late.command(cmd("find").put("url", url)));
        // Fails by timing out unless the late joiner converges on the others' text.
        await(late.command(cmd("waitText").put("equals", textA)));
      }
      String stored =
          await(
                  running
                      .node()
                      .get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token))
              .bodyAsString();
      assertThat(stored).endsWith(textA);
    }
  }
}
