package dev.minutes.http;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RunningNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Exporting a meeting (contract §3) as Markdown, JSON and Automerge, on a real node")
class ExportApiTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();
  private final List<NodeClient> clients = new ArrayList<>();
  @TempDir Path files;

  @AfterEach
  void stopClients() {
    clients.forEach(NodeClient::close);
  }

  @Test
  @DisplayName(
      "the Automerge export of an open meeting loads in the official JS library with the same heads, body and people")
  void automergeRoundTrip() throws TimeoutException, IOException {
    JsonObject meeting = create();
    NodeClient ada = client(meeting, "editor");
    NodeClient ben = client(meeting, "chair");
    String adaActor = await(ada.command(cmd("actor"))).getString("actor");
    await(ada.command(cmd("put").put("path", List.of("people", adaActor)).put("value", "Ada")));
    await(
        ada.command(cmd("type").put("text", "Ada writes.\n").put("at", "end").put("perChange", 3)));
    await(ben.command(cmd("type").put("text", "Ben adds.\n").put("at", 0).put("perChange", 2)));
    await(ada.command(cmd("waitSaved")));
    await(ben.command(cmd("waitSaved")));
    JsonObject expected = await(ada.command(cmd("waitText").put("contains", "Ben adds.")));
    await(ada.command(cmd("waitSaved")));

    HttpResponse<Buffer> response = export(meeting, "automerge", "viewer");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).isEqualTo("application/octet-stream");
    assertThat(response.getHeader("content-disposition"))
        .isEqualTo("attachment; filename=\"2024-03-05.automerge\"");
    JsonObject loaded = load(response.body());
    assertThat(loaded.getJsonArray("heads")).isEqualTo(expected.getJsonArray("heads"));
    JsonObject doc = loaded.getJsonObject("doc");
    assertThat(doc.getString("body")).isEqualTo(expected.getString("text"));
    assertThat(doc.getString("schema")).as("contract §1's root key").isEqualTo("minutes/1");
    assertThat(doc.getString("status")).isEqualTo("open");
    assertThat(doc.getJsonObject("people").getMap()).containsExactly(entry(adaActor, "Ada"));
    assertThat(loaded.getInteger("changes"))
        .as("the whole history: creation, the name, 4 + 5 typed changes")
        .isEqualTo(1 + 1 + 4 + 5);
  }

  @Test
  @DisplayName("the Markdown export is exactly minutes.md, open and closed, as an attachment")
  void markdownIsMinutes() throws TimeoutException {
    JsonObject meeting = create();
    NodeClient ada = client(meeting, "editor");
    await(ada.command(cmd("type").put("text", "Decided: ship.\n").put("at", "end")));
    await(ada.command(cmd("waitSaved")));

    for (boolean closed : List.of(false, true)) {
      if (closed) {
        assertThat(
                await(running.node().post(path(meeting, "/close"), token(meeting, "chair"), null))
                    .statusCode())
            .isEqualTo(200);
      }
      HttpResponse<Buffer> exported = export(meeting, "md", "editor");
      String minutes =
          await(running.node().get(path(meeting, "/minutes.md"), token(meeting, "viewer")))
              .bodyAsString();

      assertThat(exported.statusCode()).isEqualTo(200);
      assertThat(exported.getHeader("content-type")).isEqualTo("text/markdown; charset=utf-8");
      assertThat(exported.getHeader("content-disposition"))
          .isEqualTo("attachment; filename=\"2024-03-05.md\"");
      assertThat(exported.bodyAsString()).isEqualTo(minutes).contains("Decided: ship.\n");
    }
  }

  @Test
  @DisplayName(
      "a meeting published as <date>-2.md because another meeting had that date exports under that name in every format")
  void exportsTakeThePublishedName() throws TimeoutException {
    JsonObject first = create();
    JsonObject second = create();
    for (JsonObject meeting : List.of(first, second)) {
      assertThat(
              await(running.node().post(path(meeting, "/close"), token(meeting, "chair"), null))
                  .statusCode())
          .isEqualTo(200);
    }

    for (String format : List.of("md", "json", "automerge")) {
      assertThat(export(first, format, "viewer").getHeader("content-disposition"))
          .isEqualTo("attachment; filename=\"2024-03-05." + format + "\"");
      assertThat(export(second, format, "viewer").getHeader("content-disposition"))
          .as("saved as 2024-03-05.%s, an upload by hand would replace the first meeting's", format)
          .isEqualTo("attachment; filename=\"2024-03-05-2." + format + "\"");
    }
  }

  @Test
  @DisplayName(
      "the JSON export holds the stored document's id, meta, body, status, closed, people and heads, before and after close")
  void jsonFields() throws TimeoutException {
    JsonObject meeting = create();
    NodeClient ada = client(meeting, "editor");
    String actor = await(ada.command(cmd("actor"))).getString("actor");
    await(ada.command(cmd("put").put("path", List.of("people", actor)).put("value", "Ada L.")));
    await(ada.command(cmd("type").put("text", "Notes.\n").put("at", "end")));
    JsonObject saved = await(ada.command(cmd("waitSaved")));
    String body = await(ada.command(cmd("text"))).getString("text");

    JsonObject open = export(meeting, "json", "viewer").bodyAsJsonObject();

    assertThat(open.fieldNames())
        .containsExactlyInAnyOrder("id", "meta", "body", "status", "closed", "people", "heads");
    assertThat(open.getString("id")).isEqualTo(meeting.getString("id"));
    assertThat(open.getJsonObject("meta").getString("updated")).isEqualTo("2024-03-05");
    assertThat(open.getJsonObject("meta").getString("subject")).isEqualTo("Export test");
    assertThat(open.getJsonObject("meta").getJsonObject("author").getString("name"))
        .isEqualTo("Ada");
    assertThat(open.getString("body")).isEqualTo(body);
    assertThat(open.getString("status")).isEqualTo("open");
    assertThat(open.getValue("closed")).isNull();
    assertThat(open.getJsonObject("people").getMap()).containsExactly(entry(actor, "Ada L."));
    assertThat(open.getJsonArray("heads")).isEqualTo(saved.getJsonArray("heads"));

    JsonObject closing =
        await(running.node().post(path(meeting, "/close"), token(meeting, "chair"), null))
            .bodyAsJsonObject();
    HttpResponse<Buffer> response = export(meeting, "json", "chair");
    JsonObject closed = response.bodyAsJsonObject();

    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    assertThat(response.getHeader("content-disposition"))
        .isEqualTo("attachment; filename=\"2024-03-05.json\"");
    assertThat(closed.getString("status")).isEqualTo("closed");
    assertThat(closed.getJsonObject("closed")).isEqualTo(closing.getJsonObject("closed"));
    assertThat(closed.getJsonArray("heads"))
        .as("the closing change is the one head")
        .hasSize(1)
        .isNotEqualTo(saved.getJsonArray("heads"));
    assertThat(closed.getString("body")).isEqualTo(body);
  }

  @Test
  @DisplayName(
      "a date written into the document to break the header names the file by the meeting's creation date")
  void hostileDateIsNotAFileName() throws TimeoutException {
    JsonObject meeting = create();
    NodeClient ada = client(meeting, "editor");
    String hostile = "2024\"; filename=evil.exe\r\nSet-Cookie: a=b; ../../x";
    await(ada.command(cmd("put").put("path", List.of("meta", "updated")).put("value", hostile)));
    await(ada.command(cmd("waitSaved")));

    for (String format : List.of("md", "json", "automerge")) {
      HttpResponse<Buffer> response = export(meeting, format, "editor");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("content-disposition"))
          .isEqualTo("attachment; filename=\"2024-03-05." + format + "\"");
      assertThat(response.getHeader("set-cookie")).isNull();
    }
    assertThat(
            export(meeting, "json", "editor")
                .bodyAsJsonObject()
                .getJsonObject("meta")
                .getString("updated"))
        .as("the JSON still shows what the document says")
        .isEqualTo(hostile);
  }

  @Nested
  @DisplayName("refused exports")
  class Refusals {
    @Test
    @DisplayName("an unknown format is 400 invalid_format naming md, json and automerge")
    void unknownFormat() throws TimeoutException {
      JsonObject meeting = create();

      HttpResponse<Buffer> response = export(meeting, "pdf", "editor");

      assertError(response, 400, "invalid_format");
      assertThat(response.bodyAsJsonObject().getString("message"))
          .contains("md, json, automerge")
          .contains("'pdf'");
    }

    @Test
    @DisplayName("a missing format is 400 invalid_format")
    void missingFormat() throws TimeoutException {
      JsonObject meeting = create();

      HttpResponse<Buffer> response =
          await(running.node().get(path(meeting, "/export"), token(meeting, "viewer")));

      assertError(response, 400, "invalid_format");
    }

    @Test
    @DisplayName("without a token the export is 401 missing_token, and a forged token 401")
    void noToken() throws TimeoutException {
      JsonObject meeting = create();

      assertError(
          await(running.node().get(path(meeting, "/export?format=json"), null)),
          401,
          "missing_token");
      assertError(
          await(running.node().get(path(meeting, "/export?format=json"), "e_forged")),
          401,
          "invalid_token");
    }

    @Test
    @DisplayName("another meeting's token is 403 wrong_meeting, and its document is not sent")
    void otherMeetingsToken() throws TimeoutException {
      JsonObject mine = create();
      JsonObject theirs = create();

      HttpResponse<Buffer> response =
          await(running.node().get(path(mine, "/export?format=automerge"), token(theirs, "chair")));

      assertError(response, 403, "wrong_meeting");
    }

    @Test
    @DisplayName("an unknown meeting is 404 unknown_meeting")
    void unknownMeeting() throws TimeoutException {
      JsonObject meeting = create();

      HttpResponse<Buffer> response =
          await(
              running
                  .node()
                  .get(
                      "/api/meetings/2Nw4MWUcSHXXtTKFwBy4T6rKmKNt/export?format=md",
                      token(meeting, "chair")));

      assertError(response, 404, "unknown_meeting");
    }

    @Test
    @DisplayName("POST on the export is 405 method_not_allowed")
    void post() throws TimeoutException {
      JsonObject meeting = create();

      HttpResponse<Buffer> response =
          await(
              running
                  .node()
                  .post(path(meeting, "/export?format=md"), token(meeting, "chair"), null));

      assertError(response, 405, "method_not_allowed");
    }

    @Test
    @DisplayName("each refusal is logged at WARN and no token is")
    void refusalsAreLogged() throws TimeoutException {
      JsonObject meeting = create();
      try (LogCapture logs = new LogCapture()) {
        export(meeting, "docx", "viewer");

        assertThat(logs.warned("refused GET", "400 invalid_format")).isTrue();
        assertThat(logs.mentions(token(meeting, "viewer"))).isFalse();
      }
    }
  }

  // ---- helpers ----

  private JsonObject load(Buffer bytes) throws TimeoutException, IOException {
    Path file = Files.write(files.resolve("export.automerge"), bytes.getBytes());
    NodeClient loader = NodeClient.start(running.vertx(), "load.mjs", List.of());
    clients.add(loader);
    return await(loader.command(cmd("load").put("path", file.toString())));
  }

  private HttpResponse<Buffer> export(JsonObject meeting, String format, String role)
      throws TimeoutException {
    return await(
        running.node().get(path(meeting, "/export?format=" + format), token(meeting, role)));
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    assertThat(response.getHeader("content-disposition")).isNull();
    assertThat(new JsonObject(response.body().toString(StandardCharsets.UTF_8)).getString("error"))
        .isEqualTo(code);
  }

  private NodeClient client(JsonObject meeting, String role) throws TimeoutException {
    NodeClient client =
        NodeClient.start(
            running.vertx(),
            "client.mjs",
            List.of("--url", running.node().syncUrl(token(meeting, role))));
    clients.add(client);
    await(client.command(cmd("find").put("url", meeting.getString("documentUrl"))));
    return client;
  }

  private JsonObject create() throws TimeoutException {
    return await(
        running
            .node()
            .createMeeting(
                new JsonObject()
                    .put("date", "2024-03-05")
                    .put("subject", "Export test")
                    .put("chair", "Ada")
                    .put("agenda", new JsonArray().add("Release"))));
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private static String path(JsonObject meeting, String suffix) {
    return "/api/meetings/" + meeting.getString("id") + suffix;
  }
}
