package dev.minutes.meeting;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static dev.minutes.support.PublishFixture.SECRET_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.PublishFixture;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.StandardWebhooksVerifier;
import dev.minutes.support.TestNode;
import dev.minutes.support.WebhookReceiver;
import dev.minutes.support.WebhookReceiver.Received;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Corrections (contract §7): reopen, edit, close again as the next revision under the same name")
class CorrectionTest {
  private Vertx vertx;
  private WebhookReceiver receiver;
  private PublishProbe probe;
  private String prefix;
  private Path folder;
  private TestNode first;
  private TestNode second;
  private boolean nodesStopped;
  private RedisInspector redis;
  private LogCapture logs;
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeEach
  void start() throws TimeoutException, IOException {
    NodeProject.ensureInstalled();
    vertx = Vertx.vertx();
    receiver = await(WebhookReceiver.start(vertx, new StandardWebhooksVerifier(List.of(SECRET_A))));
    probe = new PublishProbe(vertx);
    prefix = RedisHarness.newPrefix();
    folder = Files.createTempDirectory("minutes-corrections");
    Map<String, String> settings = new HashMap<>(PublishFixture.webhookSettings(receiver.url()));
    settings.put("MINUTES_PUBLISH_FOLDER", folder.toString());
    settings.put("MINUTES_PUBLISHED_URL", "https://example.org/weekly/{permalink}");
    first = await(TestNode.start(vertx, prefix, settings));
    second = await(TestNode.start(vertx, prefix, settings));
    redis = RedisInspector.open(prefix);
    logs = new LogCapture();
  }

  @AfterEach
  void stop() throws TimeoutException {
    clients.forEach(NodeClient::close);
    logs.close();
    redis.close();
    probe.close();
    if (!nodesStopped) {
      await(first.stop());
      await(second.stop());
    }
    await(RedisHarness.cleanup(vertx, prefix));
    await(receiver.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "reopened, edited and closed again: the same file and permalink as revision 2, revision 1 still readable")
  void correctionRepublishes() throws TimeoutException, IOException {
    JsonObject meeting = create("2030-10-06");
    // Connected to the first node all along: its session refuses changes once closed, and must
    // take them again when the second node reopens the meeting.
    NodeClient editor = client(meeting, "editor");
    JsonObject closedOnce = close(first, meeting, 200);
    await(editor.command(cmd("waitDoc").put("path", List.of("status")).put("equals", "closed")));
    awaitDelivered(meeting, 1);
    String revisionOne = minutes(meeting, "");

    JsonObject reopened = post(second, path(meeting, "/reopen"), token(meeting, "chair"), 200);
    await(editor.command(cmd("waitDoc").put("path", List.of("status")).put("equals", "open")));
    JsonObject doc = await(editor.command(cmd("doc"))).getJsonObject("doc");
    await(
        editor.command(
            cmd("type").put("text", "A correction.\n").put("at", "end").put("perChange", 14)));
    await(editor.command(cmd("waitSaved")));
    assertThat(editor.events("error-message")).as("no change refused").isEmpty();
    JsonObject view = get(first, "/api/meetings/" + id(meeting), token(meeting, "viewer"));
    JsonObject closedAgain = close(second, meeting, 200);
    awaitDelivered(meeting, 2);

    assertThat(reopened).isEqualTo(new JsonObject().put("status", "open").put("revision", 1));
    assertThat(doc.containsKey("closed")).as("the closed map goes with the reopening").isFalse();
    assertThat(view.getString("status")).isEqualTo("open");
    assertThat(view.getInteger("revision")).isEqualTo(1);
    assertThat(view.getValue("closed")).isNull();
    assertThat(view.getJsonArray("revisions"))
        .as("who closed the published revision stays known while it is corrected")
        .isEqualTo(new JsonArray().add(revisionFacts(1, closedOnce)));
    assertThat(closedAgain.getInteger("revision")).isEqualTo(2);
    String revisionTwo = minutes(meeting, "");
    assertThat(revisionTwo).isEqualTo(revisionOne + "A correction.\n");
    assertThat(minutes(meeting, "?revision=1")).isEqualTo(revisionOne);
    assertThat(minutes(meeting, "?revision=2")).isEqualTo(revisionTwo);
    assertThat(listing(folder)).containsExactly("2030-10-06.md");
    assertThat(Files.readString(folder.resolve("2030-10-06.md"))).isEqualTo(revisionTwo);

    List<Received> deliveries = receiver.accepted();
    assertThat(deliveries).hasSize(2);
    JsonObject one = deliveries.get(0).json().getJsonObject("data");
    JsonObject two = deliveries.get(1).json().getJsonObject("data");
    assertThat(one.getInteger("revision")).isEqualTo(1);
    assertThat(two.getInteger("revision")).isEqualTo(2);
    assertThat(two.getString("path")).isEqualTo(one.getString("path")).isEqualTo("2030-10-06.md");
    assertThat(two.getString("permalink"))
        .isEqualTo(one.getString("permalink"))
        .isEqualTo("weekly-2030-10-06");
    assertThat(two.getString("markdown")).isEqualTo(revisionTwo);
    assertThat(deliveries.get(1).webhookId()).isNotEqualTo(deliveries.get(0).webhookId());

    JsonObject after = get(first, "/api/meetings/" + id(meeting), token(meeting, "viewer"));
    assertThat(after.getInteger("revision")).isEqualTo(2);
    assertThat(after.getJsonArray("revisions"))
        .isEqualTo(
            new JsonArray().add(revisionFacts(1, closedOnce)).add(revisionFacts(2, closedAgain)));
    JsonArray publish = after.getJsonArray("publish");
    assertThat(publish).hasSize(2);
    for (Object entry : publish) {
      JsonObject job = (JsonObject) entry;
      assertThat(job.getInteger("revision")).isEqualTo(2);
      assertThat(job.getString("path")).isEqualTo("2030-10-06.md");
      assertThat(job.getString("url")).isEqualTo("https://example.org/weekly/weekly-2030-10-06");
      assertThat(job.getString("location")).doesNotContain(folder.toString());
    }
  }

  @Test
  @DisplayName(
      "a meeting first published before names were reserved: its correction replaces its own <updated>.md, not a -2 beside it")
  void correctionOfAnOlderPublication() throws TimeoutException, IOException {
    JsonObject meeting = create("2030-10-27");
    close(first, meeting, 200);
    awaitDelivered(meeting, 1);
    redis.forgetPublicationNames(id(meeting));

    post(first, path(meeting, "/reopen"), token(meeting, "chair"), 200);
    close(second, meeting, 200);
    awaitDelivered(meeting, 2);

    assertThat(listing(folder)).containsExactly("2030-10-27.md");
    assertThat(Files.readString(folder.resolve("2030-10-27.md")))
        .isEqualTo(minutes(meeting, "?revision=2"));
    assertThat(
            receiver.accepted().stream()
                .map(r -> r.json().getJsonObject("data").getString("permalink")))
        .containsOnly("weekly-2030-10-27");
  }

  @Test
  @DisplayName("two nodes closing a reopened meeting at once publish its revision 2 exactly once")
  void secondCloseRaces() throws TimeoutException {
    JsonObject meeting = create("2030-10-13");
    close(first, meeting, 200);
    awaitDelivered(meeting, 1);
    post(first, path(meeting, "/reopen"), token(meeting, "chair"), 200);

    Future<HttpResponse<Buffer>> a =
        first.post(path(meeting, "/close"), token(meeting, "chair"), null);
    Future<HttpResponse<Buffer>> b =
        second.post(path(meeting, "/close"), token(meeting, "chair"), null);
    await(Future.all(a, b));
    awaitDelivered(meeting, 2);
    // Stopping waits for attempts in flight, so a duplicate would have arrived by now.
    await(first.stop());
    await(second.stop());
    nodesStopped = true;

    assertThat(a.result().bodyAsJsonObject()).isEqualTo(b.result().bodyAsJsonObject());
    assertThat(a.result().bodyAsJsonObject().getInteger("revision")).isEqualTo(2);
    assertThat(receiver.accepted())
        .extracting(Received::webhookId)
        .doesNotHaveDuplicates()
        .hasSize(2);
    assertThat(
            receiver.accepted().stream()
                .map(r -> r.json().getJsonObject("data").getInteger("revision")))
        .containsExactly(1, 2);
  }

  @Nested
  @DisplayName("refused corrections change nothing")
  class Refusals {
    private JsonObject meeting;
    private Map<String, String> before;

    @BeforeEach
    void closedMeeting() throws TimeoutException {
      meeting = create("2030-10-20");
      close(first, meeting, 200);
      awaitDelivered(meeting, 1);
      before = withoutPublishJobs(redis.meetingState(id(meeting)));
    }

    @AfterEach
    void unchanged() {
      assertThat(withoutPublishJobs(redis.meetingState(id(meeting)))).isEqualTo(before);
    }

    @Test
    @DisplayName("reopening with the editor token is 403 wrong_role")
    void editorCannotReopen() throws TimeoutException {
      refused(
          first.post(path(meeting, "/reopen"), token(meeting, "editor"), null), 403, "wrong_role");
    }

    @Test
    @DisplayName("reopening without a token is 401 missing_token")
    void noToken() throws TimeoutException {
      refused(first.post(path(meeting, "/reopen"), null, null), 401, "missing_token");
    }

    @Test
    @DisplayName("reopening an unknown meeting is 404 unknown_meeting")
    void unknownMeeting() throws TimeoutException {
      refused(
          first.post(
              "/api/meetings/2PnxkGV4zrM1ujq1sQJkT3AzqZXp/reopen", token(meeting, "chair"), null),
          404,
          "unknown_meeting");
    }

    @Test
    @DisplayName("minutes.md?revision=0 or ?revision=two is 400 invalid_revision")
    void badRevision() throws TimeoutException {
      refused(
          first.get(path(meeting, "/minutes.md?revision=0"), token(meeting, "viewer")),
          400,
          "invalid_revision");
      refused(
          first.get(path(meeting, "/minutes.md?revision=two"), token(meeting, "viewer")),
          400,
          "invalid_revision");
    }

    @Test
    @DisplayName("minutes.md?revision=2 of a meeting published once is 404 unknown_revision")
    void unknownRevision() throws TimeoutException {
      refused(
          first.get(path(meeting, "/minutes.md?revision=2"), token(meeting, "viewer")),
          404,
          "unknown_revision");
    }
  }

  @Test
  @DisplayName("reopening an open meeting is 409 not_closed and changes nothing")
  void reopenOpenMeeting() throws TimeoutException {
    JsonObject meeting = create("2030-10-27");
    Map<String, String> before = redis.meetingState(id(meeting));

    refused(first.post(path(meeting, "/reopen"), token(meeting, "chair"), null), 409, "not_closed");

    assertThat(redis.meetingState(id(meeting))).isEqualTo(before);
  }

  // ---- helpers ----

  private JsonObject create(String date) throws TimeoutException {
    return await(
        first.createMeeting(
            new JsonObject()
                .put("date", date)
                .put("chair", "Ada")
                .put("attendees", new JsonArray(List.of("Bob")))
                .put("agenda", new JsonArray(List.of("Budget")))));
  }

  private JsonObject close(TestNode node, JsonObject meeting, int status) throws TimeoutException {
    return post(node, path(meeting, "/close"), token(meeting, "chair"), status);
  }

  /**
   * A {@code revisions} entry of GET /api/meetings/{id}, as the close that published it answered.
   */
  private static JsonObject revisionFacts(int revision, JsonObject closeAnswer) {
    JsonObject closed = closeAnswer.getJsonObject("closed");
    return new JsonObject()
        .put("revision", revision)
        .put("at", closed.getString("at"))
        .put("by", closed.getString("by"));
  }

  /** Both targets delivered the meeting's given revision. */
  private void awaitDelivered(JsonObject meeting, int revision) throws TimeoutException {
    for (String target : List.of("folder", "webhook")) {
      await(
          probe.first(
              e ->
                  id(meeting).equals(e.getString("meetingId"))
                      && target.equals(e.getString("target"))
                      && "delivered".equals(e.getString("outcome"))
                      && (revision == 1
                          ? !e.getString("jobId").contains(".r")
                          : e.getString("jobId").endsWith(".r" + revision))));
    }
  }

  private NodeClient client(JsonObject meeting, String role) throws TimeoutException {
    NodeClient client =
        NodeClient.start(
            vertx, "client.mjs", List.of("--url", first.syncUrl(token(meeting, role))));
    clients.add(client);
    await(client.command(cmd("find").put("url", meeting.getString("documentUrl"))));
    return client;
  }

  private String minutes(JsonObject meeting, String query) throws TimeoutException {
    HttpResponse<Buffer> response =
        await(first.get(path(meeting, "/minutes.md" + query), token(meeting, "viewer")));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsString();
  }

  private JsonObject get(TestNode node, String path, String token) throws TimeoutException {
    HttpResponse<Buffer> response = await(node.get(path, token));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private JsonObject post(TestNode node, String path, String token, int status)
      throws TimeoutException {
    HttpResponse<Buffer> response = await(node.post(path, token, null));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private void refused(Future<HttpResponse<Buffer>> request, int status, String code)
      throws TimeoutException {
    HttpResponse<Buffer> response = await(request);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo(code);
    assertThat(logs.warned("refused", String.valueOf(status), code)).isTrue();
  }

  private static Map<String, String> withoutPublishJobs(Map<String, String> state) {
    Map<String, String> copy = new java.util.TreeMap<>(state);
    copy.keySet().removeIf(key -> key.contains(":publish:"));
    return copy;
  }

  private static List<String> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String path(JsonObject meeting, String rest) {
    return "/api/meetings/" + id(meeting) + rest;
  }

  private static String id(JsonObject meeting) {
    return meeting.getString("id");
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }
}
