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

@DisplayName("The official automerge-repo client against a minutes node")
class SyncSmokeTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();

  @Test
  @DisplayName("two editors type into one meeting concurrently and converge to the stored text")
  void twoEditorsConverge() throws TimeoutException {
    JsonObject meeting =
        await(
            running
                .node()
                .createMeeting(new JsonObject().put("chair", "Ada").put("agenda", List.of("One"))));
    String token = meeting.getJsonObject("tokens").getString("editor");
    try (NodeClient a =
            NodeClient.start(
                running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)));
        NodeClient b =
            NodeClient.start(
                running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)))) {
      String url = meeting.getString("documentUrl");
      await(a.command(cmd("find").put("url", url)));
      await(b.command(cmd("find").put("url", url)));
      Future<JsonObject> typingA = a.command(cmd("type").put("text", "alpha ").put("at", 0));
      Future<JsonObject> typingB = b.command(cmd("type").put("text", "beta ").put("at", "end"));
      await(Future.all(typingA, typingB));
      await(a.command(cmd("waitSaved")));
      await(b.command(cmd("waitSaved")));
      String textA = await(a.command(cmd("waitText").put("contains", "beta "))).getString("text");
      String textB = await(b.command(cmd("waitText").put("contains", "alpha "))).getString("text");
      String stored =
          await(
                  running
                      .node()
                      .get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token))
              .bodyAsString();
      assertThat(textA).isEqualTo(textB);
      assertThat(stored).endsWith(textA);
      assertThat(running.node().node().natives().liveSyncStates()).isEqualTo(2);
    }
  }
}
