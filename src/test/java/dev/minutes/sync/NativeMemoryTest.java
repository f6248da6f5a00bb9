package dev.minutes.sync;

import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RawPeer;
import dev.minutes.support.TestMeeting;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binding frees native memory only on {@code free()}: every Document and SyncState a session
 * creates, including those replaced after a refusal or a reload, must be freed once the last peer
 * left and the session unloaded (TestNode unloads idle sessions after 200 ms).
 */
@DisplayName("Native Automerge objects")
@Timeout(value = 120, unit = SECONDS)
class NativeMemoryTest {
  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() throws TimeoutException {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    node = TestNode.start(vertx).await(30, SECONDS);
  }

  @AfterEach
  void stop() throws TimeoutException {
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName("all return to zero after every peer left: edits, refusals, rejected sync data and a close included")
  void allFreedAfterPeersLeave() throws TimeoutException {
    TestMeeting first = TestMeeting.from(await(node.createMeeting(TestMeeting.request("Ada"))));
    TestMeeting second = TestMeeting.from(await(node.createMeeting(TestMeeting.request("Bo"))));
    try (NodeClient a = client(first.editorToken());
        NodeClient b = client(first.editorToken());
        NodeClient viewer = client(first.viewerToken());
        NodeClient other = client(second.editorToken());
        RawPeer raw = RawPeer.connect(vertx, node.syncUrl(first.editorToken()), "raw-natives")) {
      await(a.command(cmd("find").put("url", first.documentUrl())));
      await(b.command(cmd("find").put("url", first.documentUrl())));
      await(viewer.command(cmd("find").put("url", first.documentUrl())));
      await(other.command(cmd("find").put("url", second.documentUrl())));
      await(Future.all(
          a.command(cmd("type").put("text", "a".repeat(50)).put("at", 0)),
          b.command(cmd("type").put("text", "b".repeat(50)).put("at", "end")),
          other.command(cmd("type").put("text", "elsewhere").put("at", 0))));
      // A read-only refusal, and sync data Automerge rejects (which replaces the peer's SyncState).
      Future<JsonObject> refused = viewer.awaitEvent("error-message");
      await(viewer.command(cmd("type").put("text", "nope").put("at", 0)));
      await(refused);
      await(raw.join());
      Future<JsonObject> rejected = raw.nextMessage("error");
      await(raw.send(raw.syncMessage("sync", first.documentId(), "4200000100" + "03ff0a0a" + "00")));
      await(rejected);
      await(a.command(cmd("waitSaved")));
      await(b.command(cmd("waitSaved")));
      // Closing while peers are attached refuses later changes and may reload the session.
      assertThat(await(node.post("/api/meetings/" + first.id() + "/close", first.chairToken(), null)).statusCode())
          .isEqualTo(200);
      Future<JsonObject> closedRefusal = a.awaitNextEvent(NodeClient.isEvent("error-message"));
      await(a.command(cmd("type").put("text", "too late").put("at", 0)));
      await(closedRefusal);

      assertThat(node.node().natives().live()).as("objects while peers are connected").isPositive();
    }

    await(allFreed());

    assertThat(node.node().natives().liveDocuments()).isZero();
    assertThat(node.node().natives().liveSyncStates()).isZero();
    assertThat(node.node().sessions().openDocuments()).isZero();
  }

  /**
   * Completes once no native object is alive and no session is open, checked every 20 ms on an
   * event loop (the timer is set from that loop, so its handler never runs before it is set).
   */
  private Future<Void> allFreed() {
    Promise<Void> freed = Promise.promise();
    vertx.getOrCreateContext().runOnContext(start -> vertx.setPeriodic(20, id -> {
      if (node.node().natives().live() == 0 && node.node().sessions().openDocuments() == 0) {
        vertx.cancelTimer(id);
        freed.tryComplete();
      }
    }));
    return freed.future();
  }

  private NodeClient client(String token) {
    return NodeClient.start(vertx, "client.mjs", List.of("--url", node.syncUrl(token)));
  }

  private static <T> T await(Future<T> future) throws TimeoutException {
    return future.await(60, SECONDS);
  }
}
