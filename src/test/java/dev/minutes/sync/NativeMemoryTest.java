package dev.minutes.sync;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RawPeer;
import dev.minutes.support.RunningNode;
import dev.minutes.support.TestMeeting;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The binding frees native memory only on {@code free()}: every Document and SyncState a session
 * creates, including those replaced after a refusal or a reload, must be freed once the last peer
 * left and the session unloaded (TestNode unloads idle sessions after 200 ms).
 */
@DisplayName("Native Automerge objects")
@Timeout(value = 120, unit = SECONDS)
class NativeMemoryTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();

  @Test
  @DisplayName(
      "all return to zero after every peer left: edits, refusals, rejected sync data and a close included")
  void allFreedAfterPeersLeave() throws TimeoutException {
    TestMeeting first =
        TestMeeting.from(await(running.node().createMeeting(TestMeeting.request("Ada"))));
    TestMeeting second =
        TestMeeting.from(await(running.node().createMeeting(TestMeeting.request("Bo"))));
    try (NodeClient a = client(first.editorToken());
        NodeClient b = client(first.editorToken());
        NodeClient viewer = client(first.viewerToken());
        NodeClient other = client(second.editorToken());
        RawPeer raw =
            RawPeer.connect(
                running.vertx(), running.node().syncUrl(first.editorToken()), "raw-natives")) {
      await(a.command(cmd("find").put("url", first.documentUrl())));
      await(b.command(cmd("find").put("url", first.documentUrl())));
      await(viewer.command(cmd("find").put("url", first.documentUrl())));
      await(other.command(cmd("find").put("url", second.documentUrl())));
      await(
          Future.all(
              a.command(cmd("type").put("text", "a".repeat(50)).put("at", 0)),
              b.command(cmd("type").put("text", "b".repeat(50)).put("at", "end")),
              other.command(cmd("type").put("text", "elsewhere").put("at", 0))));
      // A read-only refusal, and sync data Automerge rejects (which replaces the peer's SyncState).
      Future<JsonObject> refused = viewer.awaitEvent("error-message");
      await(viewer.command(cmd("type").put("text", "nope").put("at", 0)));
      await(refused);
      await(raw.join());
      Future<JsonObject> rejected = raw.nextMessage("error");
      await(
          raw.send(raw.syncMessage("sync", first.documentId(), "4200000100" + "03ff0a0a" + "00")));
      await(rejected);
      await(a.command(cmd("waitSaved")));
      await(b.command(cmd("waitSaved")));
      // Closing while peers are attached refuses later changes and may reload the session.
      assertThat(
              await(
                      running
                          .node()
                          .post("/api/meetings/" + first.id() + "/close", first.chairToken(), null))
                  .statusCode())
          .isEqualTo(200);
      Future<JsonObject> closedRefusal = a.awaitNextEvent(NodeClient.isEvent("error-message"));
      await(a.command(cmd("type").put("text", "too late").put("at", 0)));
      await(closedRefusal);

      assertThat(running.node().node().natives().live())
          .as("objects while peers are connected")
          .isPositive();
    }

    Await.until(
        "every native object freed and every document unloaded",
        () ->
            running.node().node().natives().live() == 0
                && running.node().node().sessions().openDocuments() == 0);

    assertThat(running.node().node().natives().liveDocuments()).isZero();
    assertThat(running.node().node().natives().liveSyncStates()).isZero();
    assertThat(running.node().node().sessions().openDocuments()).isZero();
  }

  private NodeClient client(String token) {
    return NodeClient.start(
        running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)));
  }
}
