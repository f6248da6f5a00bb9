package dev.minutes.series;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.render.MinutesParser;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeCommandException;
import dev.minutes.support.RunningNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Series tokens on /sync with the official automerge-repo client")
class SeriesSyncTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();

  private final List<NodeClient> clients = new ArrayList<>();

  @AfterEach
  void closeClients() {
    clients.forEach(NodeClient::close);
  }

  @Test
  @DisplayName(
      "a series editor token syncs the current call and an earlier one, even a call started after it connected")
  void editorSyncsTwoCalls() throws TimeoutException {
    JsonObject series = createSeries();
    JsonObject first = startCall(series, "2026-12-02");
    NodeClient editor = client(token(series, "editor"));
    find(editor, first);
    type(editor, first, "Notes of the first call.\n");
    close(series, first);
    String firstFinal = minutes(first);
    JsonObject second = startCall(series, null);

    find(editor, second);
    type(editor, second, "Notes of the second call.\n");

    assertThat(MinutesParser.parse(minutes(second)).body()).endsWith("Notes of the second call.\n");
    assertThat(MinutesParser.parse(firstFinal).body()).endsWith("Notes of the first call.\n");
    assertThat(
            await(editor.command(cmd("text").put("url", first.getString("documentUrl"))))
                .getString("text"))
        .as("the earlier call reads on over the same socket")
        .endsWith("Notes of the first call.\n");

    await(
        editor.command(
            cmd("type")
                .put("url", first.getString("documentUrl"))
                .put("text", "Too late.\n")
                .put("at", "end")));
    JsonObject refusal = await(editor.awaitEvent(NodeClient.isEvent("error-message")));
    assertThat(refusal.getString("message")).startsWith("meeting-closed");
    assertThat(minutes(first)).isEqualTo(firstFinal);
  }

  @Test
  @DisplayName(
      "a call's own token opens that call alone: another call of its series is unavailable")
  void meetingTokenOpensOneCall() throws TimeoutException {
    JsonObject series = createSeries();
    JsonObject first = startCall(series, "2026-12-02");
    close(series, first);
    JsonObject second = startCall(series, null);
    NodeClient client = client(token(first, "editor"));

    find(client, first);

    assertUnavailable(client, second);
  }

  @Test
  @DisplayName(
      "a series token opens no call of another series, and the series viewer token only reads")
  void otherSeriesAndViewer() throws TimeoutException {
    JsonObject series = createSeries();
    JsonObject call = startCall(series, "2026-12-02");
    JsonObject other = createSeries();
    JsonObject otherCall = startCall(other, "2026-12-02");
    NodeClient viewer = client(token(series, "viewer"));
    find(viewer, call);

    assertUnavailable(viewer, otherCall);
    await(
        viewer.command(
            cmd("splice")
                .put("url", call.getString("documentUrl"))
                .put("index", 0)
                .put("insert", "VIEWER ")));
    assertThat(await(viewer.awaitEvent(NodeClient.isEvent("error-message"))).getString("message"))
        .startsWith("read-only");
    assertThat(minutes(call)).doesNotContain("VIEWER");
  }

  // ---- helpers ----

  private JsonObject createSeries() throws TimeoutException {
    return post(
        "/api/series",
        null,
        new JsonObject()
            .put("title", "Weekly")
            .put("chair", "Ada")
            .put("attendees", new JsonArray(List.of("Bob"))),
        201);
  }

  private JsonObject startCall(JsonObject series, String date) throws TimeoutException {
    return post(
        "/api/series/" + series.getString("id") + "/meetings",
        token(series, "chair"),
        date == null ? null : new JsonObject().put("date", date),
        201);
  }

  private void close(JsonObject series, JsonObject call) throws TimeoutException {
    post("/api/meetings/" + call.getString("id") + "/close", token(series, "chair"), null, 200);
  }

  private String minutes(JsonObject call) throws TimeoutException {
    HttpResponse<Buffer> response =
        await(
            running
                .node()
                .get(
                    "/api/meetings/" + call.getString("id") + "/minutes.md",
                    token(call, "viewer")));
    return response.bodyAsString();
  }

  private NodeClient client(String token) {
    NodeClient client =
        NodeClient.start(
            running.vertx(), "client.mjs", List.of("--url", running.node().syncUrl(token)));
    clients.add(client);
    return client;
  }

  private static void find(NodeClient client, JsonObject call) throws TimeoutException {
    await(client.command(cmd("find").put("url", call.getString("documentUrl"))));
  }

  private static void assertUnavailable(NodeClient client, JsonObject call) {
    Future<JsonObject> find =
        client.command(
            cmd("find").put("url", call.getString("documentUrl")).put("timeoutMs", 10000));
    assertThatThrownBy(() -> await(find))
        .isInstanceOfSatisfying(
            NodeCommandException.class,
            failure ->
                assertThat(failure.reply().getBoolean("unavailable")).as(failure.error()).isTrue());
  }

  private static void type(NodeClient client, JsonObject call, String text)
      throws TimeoutException {
    String url = call.getString("documentUrl");
    await(
        client.command(
            cmd("type").put("url", url).put("text", text).put("at", "end").put("perChange", 8)));
    await(client.command(cmd("waitSaved").put("url", url)));
  }

  private JsonObject post(String path, String token, JsonObject body, int status)
      throws TimeoutException {
    HttpResponse<Buffer> response = await(running.node().post(path, token, body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private static String token(JsonObject created, String role) {
    return created.getJsonObject("tokens").getString(role);
  }
}
