package dev.minutes.meeting;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Await;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.StoredAutomerge;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Closing exactly once: racing requests, two nodes on one Redis, crashes between the steps")
class CloseRaceTest {
  private Vertx vertx;
  private String prefix;
  private TestNode first;
  private TestNode second;
  private boolean firstStopped;
  private RedisInspector redis;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    prefix = RedisHarness.newPrefix();
    first = TestNode.start(vertx, prefix, Map.of()).await(30, SECONDS);
    second = TestNode.start(vertx, prefix, Map.of()).await(30, SECONDS);
    redis = RedisInspector.open(prefix);
  }

  @AfterEach
  void stop() throws TimeoutException {
    redis.close();
    if (!firstStopped) {
      first.stop().await(30, SECONDS);
    }
    second.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName("two nodes closing the same meeting at once freeze it once and answer the same")
  void twoNodesRace() throws TimeoutException {
    JsonObject meeting = create();

    List<JsonObject> results = closeAll(List.of(first, second), meeting);

    assertThat(results.get(1)).isEqualTo(results.get(0));
    assertClosedOnce(meeting, results.get(0));
    for (TestNode node : List.of(first, second)) {
      JsonObject view =
          await(node.get("/api/meetings/" + id(meeting), token(meeting, "viewer")))
              .bodyAsJsonObject();
      assertThat(view.getJsonObject("closed")).isEqualTo(results.get(0).getJsonObject("closed"));
    }
  }

  @Test
  @DisplayName("five concurrent closes on one node freeze once and answer the same")
  void concurrentClosesOnOneNode() throws TimeoutException {
    JsonObject meeting = create();

    List<JsonObject> results = closeAll(List.of(first, first, first, first, first), meeting);

    assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(results.get(0)));
    assertClosedOnce(meeting, results.get(0));
  }

  @Test
  @DisplayName(
      "a node that crashed after freezing: a retry elsewhere freezes at the same heads, time and closer")
  void crashAfterFreeze() throws TimeoutException {
    JsonObject meeting = create();
    MeetingCloser.Frozen frozen = frozenThenCrashed(meeting);
    assertThat(redis.writesClosed(id(meeting))).isTrue();
    assertThat(redis.logLength(id(meeting))).isZero();

    JsonObject result = close(second, meeting);

    assertThat(result.getJsonObject("closed"))
        .isEqualTo(
            new JsonObject()
                .put("at", frozen.at())
                .put("by", "Crashed Chair")
                .put("heads", new JsonArray(frozen.heads())));
    assertClosedOnce(meeting, result);
    assertThat(redis.meeting(id(meeting)).get("closingHead")).isEqualTo(frozen.closingHead());
  }

  @Test
  @DisplayName(
      "a node that crashed after appending the closing change: a retry appends no second one")
  void crashAfterClosingChange() throws TimeoutException {
    JsonObject meeting = create();
    MeetingCloser.Frozen frozen = markedThenCrashed(meeting);
    assertThat(redis.logLength(id(meeting))).isEqualTo(1);

    JsonObject result = close(second, meeting);

    assertThat(result.getJsonObject("closed").getJsonArray("heads"))
        .isEqualTo(new JsonArray(frozen.heads()));
    assertThat(result.getJsonObject("closed").getString("at")).isEqualTo(frozen.at());
    assertClosedOnce(meeting, result);
  }

  @Test
  @DisplayName(
      "a close that meets the lease of a node that crashed mid-close takes over when it expires and finishes the same freeze")
  void waitingCloseTakesOver() throws TimeoutException {
    JsonObject meeting = create();
    MeetingCloser.Frozen frozen = frozenThenCrashed(meeting);
    redis.setExpiring(
        redis.leaseKey(id(meeting)), "runner-of-the-crashed-node", Duration.ofSeconds(1));

    HttpResponse<Buffer> response =
        await(second.post(closePath(meeting), token(meeting, "chair"), null));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject result = response.bodyAsJsonObject();
    assertThat(result.getJsonObject("closed").getJsonArray("heads"))
        .isEqualTo(new JsonArray(frozen.heads()));
    assertClosedOnce(meeting, result);
  }

  @Test
  @DisplayName(
      "a close a stopped node left half-done is finished by another node with nobody asking again, once that node's lease is gone")
  void unfinishedCloseIsFinishedElsewhere() throws TimeoutException {
    JsonObject meeting = create();
    MeetingCloser.Frozen frozen = markedThenCrashed(meeting);
    redis.setExpiring(
        redis.leaseKey(id(meeting)), "runner-of-the-crashed-node", Duration.ofSeconds(30));
    UnfinishedCloses look = second.node().meetings().unfinishedCloses();

    assertThat(await(look.finishAll())).as("the stopped node's lease is respected").isZero();
    assertThat(redis.meeting(id(meeting)).get("status")).isEqualTo("closing");
    assertThat(redis.unfinishedCloses()).containsExactly(id(meeting));

    redis.delete(redis.leaseKey(id(meeting)));
    await(look.finishAll());
    Await.until("the close is noted finished", () -> redis.unfinishedCloses().isEmpty());

    assertThat(redis.meeting(id(meeting)).get("status")).isEqualTo("closed");
    JsonObject result = close(second, meeting);
    assertThat(result.getJsonObject("closed"))
        .as("the close that was asked for: its heads, time and closer")
        .isEqualTo(
            new JsonObject()
                .put("at", frozen.at())
                .put("by", "Crashed Chair")
                .put("heads", new JsonArray(frozen.heads())));
    assertClosedOnce(meeting, result);
    assertThat(await(look.finishAll())).as("nothing is left to finish").isZero();
  }

  @Test
  @DisplayName(
      "an unfinished close blocks writes only: the meeting still reads, renders and serves as a previous meeting")
  void unfinishedCloseBlocksOnlyWrites() throws TimeoutException {
    JsonObject meeting = create();
    String before =
        await(second.get("/api/meetings/" + id(meeting) + "/minutes.md", token(meeting, "viewer")))
            .bodyAsString();
    frozenThenCrashed(meeting);
    // The crashed node's lease, still running: no node finishes the close meanwhile.
    redis.setExpiring(
        redis.leaseKey(id(meeting)), "runner-of-the-crashed-node", Duration.ofSeconds(60));

    HttpResponse<Buffer> view =
        await(second.get("/api/meetings/" + id(meeting), token(meeting, "editor")));
    HttpResponse<Buffer> minutes =
        await(second.get("/api/meetings/" + id(meeting) + "/minutes.md", token(meeting, "viewer")));
    HttpResponse<Buffer> next =
        await(
            second.post(
                "/api/meetings",
                null,
                new JsonObject().put("previous", id(meeting)).put("date", "2030-01-01")));
    HttpResponse<Buffer> editorClose =
        await(second.post(closePath(meeting), token(meeting, "editor"), null));

    assertThat(view.statusCode()).isEqualTo(200);
    assertThat(view.bodyAsJsonObject().getString("status")).isEqualTo("open");
    assertThat(view.bodyAsJsonObject().getValue("closed")).isNull();
    assertThat(minutes.statusCode()).isEqualTo(200);
    assertThat(minutes.bodyAsString()).isEqualTo(before);
    assertThat(next.statusCode()).as(next.bodyAsString()).isEqualTo(201);
    assertThat(editorClose.statusCode()).isEqualTo(403);
    assertThat(redis.meeting(id(meeting)).get("status")).isEqualTo("closing");
  }

  @Test
  @DisplayName(
      "a client on another node sees the close and its later edit is refused as meeting-closed")
  void clientOnAnotherNodeSeesTheClose() throws TimeoutException {
    JsonObject meeting = create();
    try (NodeClient client = editorOnSecondNode(meeting)) {
      await(
          client.command(
              cmd("type")
                  .put("text", "typed on the second node ")
                  .put("at", "end")
                  .put("perChange", 5)));
      await(client.command(cmd("waitSaved")));

      JsonObject result = close(first, meeting);

      JsonObject doc =
          await(
                  client.command(
                      cmd("waitDoc").put("path", List.of("status")).put("equals", "closed")))
              .getJsonObject("doc");
      assertThat(doc.getJsonObject("closed")).isEqualTo(result.getJsonObject("closed"));
      await(client.command(cmd("splice").put("index", 0).put("insert", "AFTER CLOSE ")));
      assertThat(await(client.awaitEvent(NodeClient.isEvent("error-message"))).getString("message"))
          .startsWith("meeting-closed");
      String published =
          await(
                  second.get(
                      "/api/meetings/" + id(meeting) + "/minutes.md", token(meeting, "viewer")))
              .bodyAsString();
      assertThat(published).contains("typed on the second node").doesNotContain("AFTER CLOSE");
      try (StoredAutomerge stored = StoredAutomerge.load(redis, id(meeting))) {
        assertThat(stored.heads()).containsExactly(redis.meeting(id(meeting)).get("closingHead"));
        assertThat(stored.string("body", stored.heads()).orElseThrow())
            .doesNotContain("AFTER CLOSE");
      }
    }
  }

  @Test
  @DisplayName(
      "a change in flight when writes close is refused; its writer syncs again on a new socket, without a message storm")
  void changeInFlightWhenWritesClose() throws Exception {
    JsonObject meeting = create();
    try (NodeClient client = editorOnSecondNode(meeting)) {
      await(client.command(cmd("type").put("text", "stored before ").put("at", "end")));
      await(client.command(cmd("waitSaved")));
      // Frozen through the first node: the second node's session learns of it only when its
      // next append is refused, with the change already applied in memory.
      await(closer(first).freeze(id(meeting), id(meeting), "Ada"));

      await(client.command(cmd("type").put("text", "IN FLIGHT").put("at", "end")));

      assertThat(await(client.awaitEvent(NodeClient.isEvent("error-message"))).getString("message"))
          .startsWith("meeting-closed");
      JsonObject restarted = await(client.awaitEvent(NodeClient.isEvent("socket-closed")));
      assertThat(restarted.getInteger("code")).isEqualTo(1012);
      Await.until("the client joined again", () -> client.events("peer").size() >= 2);
      long framesAfter = framesReceived(client);
      // Quiet: no frame between two readings. A storm (hundreds a second) never is, and ends
      // only in the flood guard's close.
      AtomicLong lastReading = new AtomicLong(-1);
      Await.until(
          "the new socket is quiet",
          () -> {
            long frames = framesReceived(client);
            return lastReading.getAndSet(frames) == frames;
          });
      assertThat(lastReading.get() - framesAfter)
          .as(
              "frames on the new socket until it is quiet: the old sync states went with the old one")
          .isLessThan(30);
      assertThat(client.events("socket-closed"))
          .as("one close, the restart; none by the flood guard")
          .hasSize(1);
      assertThat(client.events("error-message"))
          .as("the only refusal is the close; no flood guard")
          .allSatisfy(e -> assertThat(e.getString("message")).startsWith("meeting-closed"));
      String stored =
          await(
                  second.get(
                      "/api/meetings/" + id(meeting) + "/minutes.md", token(meeting, "viewer")))
              .bodyAsString();
      assertThat(stored).contains("stored before").doesNotContain("IN FLIGHT");
    }
  }

  // ---- helpers ----

  private static long framesReceived(NodeClient client) throws TimeoutException {
    return await(client.command(cmd("status"))).getLong("framesReceived");
  }

  /** The official client on the second node with the meeting's editor token, the document found. */
  private NodeClient editorOnSecondNode(JsonObject meeting) throws TimeoutException {
    NodeProject.ensureInstalled();
    NodeClient client =
        NodeClient.start(
            vertx, "client.mjs", List.of("--url", second.syncUrl(token(meeting, "editor"))));
    try {
      await(client.command(cmd("find").put("url", meeting.getString("documentUrl"))));
      return client;
    } catch (TimeoutException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Exactly one freeze: the meeting is closed, the log holds exactly one entry (the closing change;
   * nobody edited), the stored document has that change as its only head, on top of the frozen
   * heads, and one close enqueued exactly one publish job per target (the default folder target
   * here).
   */
  private void assertClosedOnce(JsonObject meeting, JsonObject result) throws TimeoutException {
    assertThat(result.getString("status")).isEqualTo("closed");
    Map<String, String> record = redis.meeting(id(meeting));
    assertThat(record.get("status")).isEqualTo("closed");
    assertThat(new JsonObject(record.get("closed"))).isEqualTo(result.getJsonObject("closed"));
    assertThat(redis.logLength(id(meeting)))
        .as("log entries: the closing change only")
        .isEqualTo(1);
    List<String> frozenHeads =
        result.getJsonObject("closed").getJsonArray("heads").stream()
            .map(String::valueOf)
            .sorted()
            .toList();
    try (StoredAutomerge stored = StoredAutomerge.load(redis, id(meeting))) {
      assertThat(stored.heads()).containsExactly(record.get("closingHead"));
      assertThat(stored.string("status", frozenHeads)).contains("open");
      assertThat(stored.string("status", stored.heads())).contains("closed");
    }
    JsonObject view =
        await(second.get("/api/meetings/" + id(meeting), token(meeting, "viewer")))
            .bodyAsJsonObject();
    assertThat(view.getJsonArray("publish")).as("one publish job per configured target").hasSize(1);
  }

  private List<JsonObject> closeAll(List<TestNode> nodes, JsonObject meeting)
      throws TimeoutException {
    List<Future<HttpResponse<Buffer>>> closes = new ArrayList<>();
    for (TestNode node : nodes) {
      closes.add(node.post(closePath(meeting), token(meeting, "chair"), null));
    }
    await(Future.all(closes));
    List<JsonObject> results = new ArrayList<>();
    for (Future<HttpResponse<Buffer>> close : closes) {
      assertThat(close.result().statusCode()).as(close.result().bodyAsString()).isEqualTo(200);
      results.add(close.result().bodyAsJsonObject());
    }
    return results;
  }

  private JsonObject close(TestNode node, JsonObject meeting) throws TimeoutException {
    HttpResponse<Buffer> response =
        await(node.post(closePath(meeting), token(meeting, "chair"), null));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /**
   * Stops the first node without finishing its close, as a crash would leave it (its lease never
   * taken).
   */
  /** The first node froze the meeting for "Crashed Chair", then crashed. */
  private MeetingCloser.Frozen frozenThenCrashed(JsonObject meeting) throws TimeoutException {
    MeetingCloser.Frozen frozen =
        await(closer(first).freeze(id(meeting), id(meeting), "Crashed Chair"));
    crashFirst();
    return frozen;
  }

  /** The same, the first node crashing only after it appended the closing change. */
  private MeetingCloser.Frozen markedThenCrashed(JsonObject meeting) throws TimeoutException {
    MeetingCloser closer = closer(first);
    MeetingCloser.Frozen frozen =
        await(
            closer
                .freeze(id(meeting), id(meeting), "Crashed Chair")
                .compose(f -> closer.mark(id(meeting), f)));
    crashFirst();
    return frozen;
  }

  private void crashFirst() throws TimeoutException {
    first.stop().await(30, SECONDS);
    firstStopped = true;
  }

  private static MeetingCloser closer(TestNode node) {
    return node.node().meetings().closer();
  }

  private JsonObject create() throws TimeoutException {
    return await(
        first.createMeeting(new JsonObject().put("chair", "Ada").put("agenda", List.of("Irmin"))));
  }

  private static String id(JsonObject meeting) {
    return meeting.getString("id");
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private static String closePath(JsonObject meeting) {
    return "/api/meetings/" + id(meeting) + "/close";
  }
}
