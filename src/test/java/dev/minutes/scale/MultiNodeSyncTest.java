package dev.minutes.scale;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Several nodes on one Redis")
class MultiNodeSyncTest {
  private Vertx vertx;
  private final List<TestNode> nodes = new ArrayList<>();
  private final List<NodeClient> clients = new ArrayList<>();
  private String prefix;

  @BeforeEach
  void start() throws TimeoutException {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    prefix = RedisHarness.newPrefix();
    for (int i = 0; i < 3; i++) {
      nodes.add(await(TestNode.start(vertx, prefix, Map.of())));
    }
  }

  @AfterEach
  void stop() throws TimeoutException {
    clients.forEach(NodeClient::close);
    for (TestNode node : nodes) {
      await(node.stop());
    }
    await(RedisHarness.cleanup(vertx, prefix));
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "clients spread over three nodes type concurrently and all converge to the stored text")
  void clientsOnDifferentNodesConverge() throws TimeoutException {
    JsonObject meeting = await(nodes.get(0).createMeeting(new JsonObject().put("chair", "Ada")));
    String token = meeting.getJsonObject("tokens").getString("editor");
    String url = meeting.getString("documentUrl");
    List<NodeClient> typists = new ArrayList<>();
    for (TestNode node : nodes) {
      NodeClient client = client(node, token);
      await(client.command(cmd("find").put("url", url)));
      typists.add(client);
    }
    List<Future<JsonObject>> typing = new ArrayList<>();
    for (int i = 0; i < typists.size(); i++) {
      typing.add(
          typists
              .get(i)
              .command(
                  cmd("type")
                      .put("text", "[node" + i + " typed this]")
                      .put("at", i == 0 ? 0 : "end")));
    }
    await(Future.all(typing));
    for (NodeClient typist : typists) {
      await(typist.command(cmd("waitSaved")));
    }
    List<String> texts = new ArrayList<>();
    for (NodeClient typist : typists) {
      JsonObject all = await(typist.command(cmd("waitText").put("contains", "[node0 typed this]")));
      for (int i = 1; i < typists.size(); i++) {
        all = await(typist.command(cmd("waitText").put("contains", "[node" + i + " typed this]")));
      }
      texts.add(all.getString("text"));
    }
    String stored =
        await(nodes.get(2).get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token))
            .bodyAsString();
    assertThat(texts).allMatch(text -> text.equals(texts.get(0)));
    assertThat(stored).endsWith(texts.get(0));
  }

  @Test
  @DisplayName(
      "a presence message reaches the peers of the document on every other node, exactly once")
  void presenceCrossesNodes() throws TimeoutException {
    JsonObject meeting = await(nodes.get(0).createMeeting(new JsonObject().put("chair", "Ada")));
    String token = meeting.getJsonObject("tokens").getString("editor");
    String url = meeting.getString("documentUrl");
    NodeClient sender = client(nodes.get(0), token);
    NodeClient onSecond = client(nodes.get(1), token);
    NodeClient onThird = client(nodes.get(2), token);
    for (NodeClient client : List.of(sender, onSecond, onThird)) {
      await(client.command(cmd("find").put("url", url)));
    }
    await(
        sender.command(
            cmd("broadcast").put("message", new JsonObject().put("hello", "from node 0"))));
    await(
        sender.command(
            cmd("broadcast").put("message", new JsonObject().put("bye", "from node 0"))));
    for (NodeClient receiver : List.of(onSecond, onThird)) {
      await(
          receiver.awaitEvent(
              e ->
                  "ephemeral".equals(e.getString("event"))
                      && e.getJsonObject("message").containsKey("bye")));
      assertThat(receiver.events("ephemeral")).hasSize(2);
    }
    assertThat(sender.events("ephemeral")).isEmpty();
  }

  private NodeClient client(TestNode node, String token) {
    NodeClient client =
        NodeClient.start(vertx, "client.mjs", List.of("--url", node.syncUrl(token)));
    clients.add(client);
    return client;
  }
}
