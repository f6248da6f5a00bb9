package dev.minutes.meeting;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.ActionItem;
import dev.minutes.render.BodyInput;
import dev.minutes.render.BodyTemplate;
import dev.minutes.render.MinutesParser;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.RunningNode;
import dev.minutes.support.StoredAutomerge;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Meetings with the official automerge-repo client: roles, close and freeze")
class MeetingClientsTest {
  @RegisterExtension final RunningNode running = RunningNode.create().withNodeClients();
  private RedisInspector redis;
  private final List<NodeClient> clients = new ArrayList<>();

  @BeforeEach
  void openInspector() {
    redis = RedisInspector.open(running.node().prefix());
  }

  @AfterEach
  void stop() throws TimeoutException {
    clients.forEach(NodeClient::close);
    redis.close();
  }

  @Test
  @DisplayName("an editor's edit is stored and appears in minutes.md")
  void editorEditAppearsInMinutes() throws TimeoutException {
    JsonObject meeting =
        create(
            new JsonObject()
                .put("date", "2024-03-05")
                .put("chair", "Ada")
                .put("agenda", List.of("Irmin")));
    NodeClient editor = client(meeting, "editor");

    await(
        editor.command(
            cmd("type")
                .put("text", "Decided: ship Irmin 1.0.\n")
                .put("at", "end")
                .put("perChange", 5)));
    String typed =
        await(editor.command(cmd("waitSaved")).compose(v -> editor.command(cmd("text"))))
            .getString("text");

    String minutes =
        await(running.node().get(minutesPath(meeting), token(meeting, "viewer"))).bodyAsString();
    assertThat(MinutesParser.parse(minutes).body())
        .isEqualTo(typed)
        .endsWith("Decided: ship Irmin 1.0.\n");
  }

  @Test
  @DisplayName(
      "a viewer's edit is refused as read-only, reaches no other client nor the store, and the viewer keeps reading")
  void viewerEditIsRefused() throws TimeoutException {
    JsonObject meeting = create(new JsonObject().put("chair", "Ada"));
    NodeClient viewer = client(meeting, "viewer");
    NodeClient editor = client(meeting, "editor");

    await(viewer.command(cmd("splice").put("index", 0).put("insert", "VIEWER-WAS-HERE ")));
    JsonObject refusal = await(viewer.awaitEvent(NodeClient.isEvent("error-message")));
    assertThat(refusal.getString("message")).startsWith("read-only");

    // Reading goes on: the editor's later edit reaches the viewer over the same socket.
    await(
        editor.command(
            cmd("type").put("text", "EDITOR-MARK").put("at", "end").put("perChange", 11)));
    await(editor.command(cmd("waitSaved")));
    assertThat(
            await(viewer.command(cmd("waitText").put("contains", "EDITOR-MARK"))).getString("text"))
        .contains("VIEWER-WAS-HERE");
    assertThat(viewer.events("socket-closed")).isEmpty();

    assertThat(await(editor.command(cmd("text"))).getString("text")).doesNotContain("VIEWER");
    assertThat(
            await(running.node().get(minutesPath(meeting), token(meeting, "chair"))).bodyAsString())
        .contains("EDITOR-MARK")
        .doesNotContain("VIEWER");
    try (StoredAutomerge stored = StoredAutomerge.load(redis, meeting.getString("id"))) {
      assertThat(stored.string("body", stored.heads()).orElseThrow())
          .contains("EDITOR-MARK")
          .doesNotContain("VIEWER");
    }
  }

  @Test
  @DisplayName(
      "after close every client sees status closed and closed in the document, and a later edit is refused")
  void clientsSeeTheClose() throws TimeoutException {
    JsonObject meeting =
        create(new JsonObject().put("chair", "Ada").put("agenda", List.of("Irmin")));
    NodeClient editor = client(meeting, "editor");
    NodeClient viewer = client(meeting, "viewer");
    await(
        editor.command(
            cmd("type")
                .put("text", "Notes before the close.\n")
                .put("at", "end")
                .put("perChange", 4)));
    await(editor.command(cmd("waitSaved")));

    JsonObject closed =
        await(running.node().post(closePath(meeting), token(meeting, "chair"), null))
            .bodyAsJsonObject()
            .getJsonObject("closed");
    String published =
        await(running.node().get(minutesPath(meeting), token(meeting, "viewer"))).bodyAsString();

    for (NodeClient client : List.of(editor, viewer)) {
      JsonObject doc =
          await(
                  client.command(
                      cmd("waitDoc").put("path", List.of("status")).put("equals", "closed")))
              .getJsonObject("doc");
      assertThat(doc.getJsonObject("closed")).isEqualTo(closed);
    }
    await(editor.command(cmd("splice").put("index", 0).put("insert", "LATE EDIT ")));
    JsonObject refusal = await(editor.awaitEvent(NodeClient.isEvent("error-message")));
    assertThat(refusal.getString("message")).startsWith("meeting-closed");

    // A client that arrives after the close reads the closed meeting and cannot change it either.
    NodeClient late = client(meeting, "editor");
    assertThat(await(late.command(cmd("doc"))).getJsonObject("doc").getString("status"))
        .isEqualTo("closed");
    await(late.command(cmd("splice").put("index", 0).put("insert", "LATER STILL ")));
    assertThat(await(late.awaitEvent(NodeClient.isEvent("error-message"))).getString("message"))
        .startsWith("meeting-closed");

    assertThat(
            await(running.node().get(minutesPath(meeting), token(meeting, "viewer")))
                .bodyAsString())
        .isEqualTo(published)
        .contains("Notes before the close.")
        .doesNotContain("LATE");
    try (StoredAutomerge stored = StoredAutomerge.load(redis, meeting.getString("id"))) {
      assertThat(stored.string("body", stored.heads()).orElseThrow()).doesNotContain("LATE");
    }
  }

  @Test
  @DisplayName(
      "edits racing the close: the published text is the body at the frozen heads, and nothing typed after the freeze")
  void editsRacingTheClose() throws TimeoutException {
    JsonObject meeting =
        create(new JsonObject().put("chair", "Ada").put("agenda", List.of("Irmin")));
    String id = meeting.getString("id");
    List<String> names = List.of("A", "B", "C");
    List<NodeClient> typists = new ArrayList<>();
    List<Future<JsonObject>> typing = new ArrayList<>();
    for (String name : names) {
      NodeClient typist = client(meeting, "editor");
      typists.add(typist);
      typing.add(
          typist.command(
              cmd("type")
                  .put("text", tokens(name, 2000))
                  .put("at", "end")
                  .put("perChange", 6)
                  .put("intervalMs", 5)));
    }
    NodeClient watcher = client(meeting, "viewer");
    for (String name : names) {
      await(
          watcher.command(
              cmd("waitText").put("contains", name + "0020 ").put("timeoutMs", 20_000)));
    }

    JsonObject result =
        await(running.node().post(closePath(meeting), token(meeting, "chair"), null))
            .bodyAsJsonObject();

    // Every typist typed on after the freeze (so the race really happened) and was refused.
    for (NodeClient typist : typists) {
      assertThat(
              await(
                      typist.awaitEvent(
                          e ->
                              "error-message".equals(e.getString("event"))
                                  && e.getString("message").startsWith("meeting-closed")))
                  .getString("message"))
          .contains(id);
    }
    List<String> frozenHeads =
        result.getJsonObject("closed").getJsonArray("heads").stream()
            .map(String::valueOf)
            .sorted()
            .toList();
    PublishedMinutes published =
        MinutesParser.parse(
            await(running.node().get(minutesPath(meeting), token(meeting, "viewer")))
                .bodyAsString());
    try (StoredAutomerge stored = StoredAutomerge.load(redis, id)) {
      String bodyAtFreeze = stored.string("body", frozenHeads).orElseThrow();
      assertThat(published.body()).isEqualTo(bodyAtFreeze);
      assertThat(stored.string("status", frozenHeads)).contains("open");
      assertThat(stored.has("closed", frozenHeads)).isFalse();
      List<String> now = stored.heads();
      assertThat(now).hasSize(1).doesNotContainAnyElementsOf(frozenHeads);
      assertThat(stored.string("body", now)).contains(bodyAtFreeze);
      assertThat(stored.string("status", now)).contains("closed");
    }
    // Each typist's stored text is a prefix of what it typed: only changes stored before the freeze
    // count.
    for (int i = 0; i < names.size(); i++) {
      List<Integer> numbers = numbersOf(names.get(i), published.body());
      assertThat(numbers).as(names.get(i) + "'s tokens").isNotEmpty();
      assertThat(numbers)
          .isEqualTo(java.util.stream.IntStream.rangeClosed(1, numbers.size()).boxed().toList());
      assertThat(numbers.size())
          .as("tokens of " + names.get(i) + " in the published text")
          .isLessThan(2000);
      JsonObject local = await(typists.get(i).command(cmd("text").put("concurrent", true)));
      assertThat(numbersOf(names.get(i), local.getString("text")).size())
          .isGreaterThan(numbers.size());
    }
    await(watcher.command(cmd("waitDoc").put("path", List.of("status")).put("equals", "closed")));
    assertThat(await(watcher.command(cmd("text"))).getString("text")).isEqualTo(published.body());
  }

  @Test
  @DisplayName(
      "a meeting created from a previous one copies chair and attendees and carries over only its open action items")
  void createFromPrevious() throws TimeoutException {
    JsonObject previous =
        create(
            new JsonObject()
                .put("date", "2024-03-05")
                .put("chair", "Ada")
                .put("attendees", List.of("Bob", "Carol"))
                .put("agenda", List.of("Build")));
    NodeClient editor = client(previous, "editor");
    await(
        editor.command(
            cmd("type")
                .put("text", "- [ ] Bob: ship the release\n- [x] Carol: fix the build\n")
                .put("at", "end")
                .put("perChange", 8)));
    await(editor.command(cmd("waitSaved")));
    JsonArray items =
        await(
                running
                    .node()
                    .get("/api/meetings/" + previous.getString("id"), token(previous, "viewer")))
            .bodyAsJsonObject()
            .getJsonArray("actionItems");
    assertThat(
            items.stream()
                .map(JsonObject.class::cast)
                .map(
                    i ->
                        i.getBoolean("done")
                            + " "
                            + i.getString("owner")
                            + ": "
                            + i.getString("text"))
                .toList())
        .containsExactly("false Bob: ship the release", "true Carol: fix the build");

    JsonObject next =
        create(
            new JsonObject()
                .put("date", "2024-03-12")
                .put("previous", previous.getString("id"))
                .put("agenda", List.of("Release")));

    String body =
        MinutesParser.parse(
                await(running.node().get(minutesPath(next), token(next, "viewer"))).bodyAsString())
            .body();
    assertThat(body)
        .isEqualTo(
            BodyTemplate.initialBody(
                new BodyInput(
                    "Ada",
                    List.of("Bob", "Carol"),
                    List.of("Release"),
                    List.of(ActionItem.open("Bob", "ship the release")),
                    "weekly-2024-03-05")));
    assertThat(body)
        .startsWith(
            "\n### Agenda ###\n\n- Review previous notes\n- Release\n\nAttendees: Ada (chair), Bob and Carol\n")
        .contains(
            "#### Review previous notes ####\n\nSee the [previous notes](/weekly/weekly-2024-03-05).")
        .contains("- [ ] Bob: ship the release\n")
        .doesNotContain("Carol: fix the build");
    JsonArray nextItems =
        await(running.node().get("/api/meetings/" + next.getString("id"), token(next, "chair")))
            .bodyAsJsonObject()
            .getJsonArray("actionItems");
    assertThat(nextItems).hasSize(1);
    assertThat(nextItems.getJsonObject(0).getString("owner")).isEqualTo("Bob");
    assertThat(nextItems.getJsonObject(0).getBoolean("done")).isFalse();
  }

  @Test
  @DisplayName(
      "continuing a meeting keeps its chair (as an attendee), attendees, agenda and subject pattern; date and chair come from its next-call sentence")
  void continuingKeepsTheMeeting() throws TimeoutException {
    List<String> agenda = List.of("Irmin", "TLS", "CI", "Releases", "Website", "Hackathon");
    JsonObject previous =
        create(
            new JsonObject()
                .put("date", "2024-03-05")
                .put("subject", "MirageOS sync 2024-03-05")
                .put("chair", "Ada")
                .put("attendees", List.of("Bob", "Carol"))
                .put("agenda", agenda));
    NodeClient editor = client(previous, "editor");
    await(
        editor.command(
            cmd("type")
                .put("text", "- The next call is on **Tuesday, 12th March**, Bob to chair.\n")
                .put("at", "end")
                .put("perChange", 16)));
    await(editor.command(cmd("waitSaved")));

    JsonObject next = create(new JsonObject().put("previous", previous.getString("id")));

    PublishedMinutes minutes =
        MinutesParser.parse(
            await(running.node().get(minutesPath(next), token(next, "viewer"))).bodyAsString());
    assertThat(next.getString("date")).isEqualTo("2024-03-12");
    assertThat(next.getJsonArray("notes")).isEmpty();
    assertThat(minutes.frontMatter().updated()).isEqualTo("2024-03-12");
    assertThat(minutes.frontMatter().subject()).isEqualTo("MirageOS sync 2024-03-12");
    assertThat(minutes.body())
        .startsWith(
            "\n### Agenda ###\n\n- Review previous notes\n- Irmin\n- TLS\n- CI\n- Releases\n"
                + "- Website\n- Hackathon\n\nAttendees: Bob (chair), Ada and Carol\n");
  }

  @Test
  @DisplayName(
      "continuing after an impossible next-call date takes today's date and the 201 says why")
  void continuingAfterAnImpossibleDate() throws TimeoutException {
    JsonObject previous = create(new JsonObject().put("date", "2024-02-20").put("chair", "Ada"));
    NodeClient editor = client(previous, "editor");
    await(
        editor.command(
            cmd("type")
                .put("text", "Next call: 30th February.\n")
                .put("at", "end")
                .put("perChange", 9)));
    await(editor.command(cmd("waitSaved")));

    JsonObject next = create(new JsonObject().put("previous", previous.getString("id")));

    String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
    assertThat(next.getString("date")).isEqualTo(today);
    assertThat(next.getJsonArray("notes").getString(0))
        .isEqualTo(
            "The previous minutes say \"Next call: 30th February.\", but '30th February' is not a"
                + " date; the date is today's date instead: "
                + today
                + ".");
  }

  @Test
  @DisplayName(
      "CR characters and line breaks typed into the document cannot break minutes.md or the close")
  void hostileContentStillRendersAndCloses() throws TimeoutException {
    JsonObject meeting = create(new JsonObject().put("date", "2024-03-05").put("chair", "Ada"));
    NodeClient editor = client(meeting, "editor");
    await(
        editor.command(
            cmd("put").put("path", List.of("meta", "subject")).put("value", "Two\nlines")));
    await(
        editor.command(
            cmd("put").put("path", List.of("meta", "updated")).put("value", "last Tuesday")));
    await(
        editor.command(
            cmd("type")
                .put("text", "Windows line\r\nend\r\n")
                .put("at", "end")
                .put("perChange", 4)));
    await(editor.command(cmd("waitSaved")));

    String current =
        await(running.node().get(minutesPath(meeting), token(meeting, "viewer"))).bodyAsString();
    JsonObject closed =
        await(running.node().post(closePath(meeting), token(meeting, "chair"), null))
            .bodyAsJsonObject();
    String published =
        await(running.node().get(minutesPath(meeting), token(meeting, "viewer"))).bodyAsString();

    assertThat(closed.getString("status")).isEqualTo("closed");
    assertThat(published).isEqualTo(current).doesNotContain("\r").endsWith("Windows line\nend\n");
    PublishedMinutes parsed = MinutesParser.parse(published);
    assertThat(parsed.frontMatter().subject()).isEqualTo("Two lines");
    assertThat(parsed.frontMatter().updated()).isEqualTo("2024-03-05");
  }

  @Test
  @DisplayName(
      "details the chair changes in the document (subject, date, description, permalink) are what the close publishes")
  void editedDetailsArePublished() throws TimeoutException {
    JsonObject meeting =
        create(
            new JsonObject()
                .put("date", "2024-03-05")
                .put("chair", "Ada")
                .put("description", "First draft"));
    NodeClient chair = client(meeting, "chair");
    // As the page writes them: JS strings, which reach the server as text objects.
    for (String[] field :
        List.of(
            new String[] {"subject", "Release planning"},
            new String[] {"updated", "2024-03-12"},
            new String[] {"permalink", "weekly-2024-03-12"},
            new String[] {"description", "12th March 2024: release planning"})) {
      await(
          chair.command(cmd("put").put("path", List.of("meta", field[0])).put("value", field[1])));
    }
    await(chair.command(cmd("waitSaved")));

    JsonObject info =
        await(
                running
                    .node()
                    .get("/api/meetings/" + meeting.getString("id"), token(meeting, "viewer")))
            .bodyAsJsonObject();
    await(running.node().post(closePath(meeting), token(meeting, "chair"), null));
    PublishedMinutes published =
        MinutesParser.parse(
            await(running.node().get(minutesPath(meeting), token(meeting, "viewer")))
                .bodyAsString());

    assertThat(info.getJsonObject("meta").getString("subject")).isEqualTo("Release planning");
    assertThat(published.frontMatter().subject()).isEqualTo("Release planning");
    assertThat(published.frontMatter().updated()).isEqualTo("2024-03-12");
    assertThat(published.frontMatter().permalink()).isEqualTo("weekly-2024-03-12");
    assertThat(published.frontMatter().description())
        .isEqualTo("12th March 2024: release planning");
    assertThat(published.frontMatter().author().name()).isEqualTo("Ada");
  }

  @Test
  @DisplayName("a token opens exactly its own meeting's document over sync")
  void tokenOpensOnlyItsMeeting() throws TimeoutException {
    JsonObject mine = create(new JsonObject().put("chair", "Ada"));
    JsonObject theirs = create(new JsonObject().put("chair", "Bob"));
    NodeClient client = client(mine, "editor");

    Throwable failure =
        await(
            client
                .command(
                    cmd("find")
                        .put("url", theirs.getString("documentUrl"))
                        .put("timeoutMs", 10_000))
                .transform(ar -> Future.succeededFuture(ar.cause())));

    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("unavailable");
    try (StoredAutomerge stored = StoredAutomerge.load(redis, theirs.getString("id"))) {
      assertThat(redis.logLength(theirs.getString("id"))).isZero();
      assertThat(stored.string("status", stored.heads())).contains("open");
    }
  }

  @Test
  @DisplayName(
      "a wrong token reaches the official client as an invalid-token error and a 1008 close; its"
          + " process lives on, retries, and no token is ever logged")
  void wrongTokenCannotSync() throws TimeoutException {
    JsonObject meeting = create(new JsonObject().put("chair", "Ada"));
    try (LogCapture logs = new LogCapture()) {
      // No trap for uncaught exceptions: had the adapter thrown, the process would have ended.
      NodeClient client =
          NodeClient.start(
              running.vertx(),
              "client.mjs",
              List.of("--url", running.node().syncUrl("e_forged-token"), "--no-error-trap"));
      clients.add(client);

      JsonObject error = await(client.awaitEvent(NodeClient.isEvent("error-message")));
      assertThat(error.getString("message")).isEqualTo("invalid-token: unknown token");
      assertThat(await(client.awaitEvent(NodeClient.isEvent("socket-closed"))).getInteger("code"))
          .isEqualTo(1008);
      // The adapter reconnects by itself and is refused the same way again, still alive.
      await(
          client.awaitEvent(
              event ->
                  client.events("error-message").size() >= 2
                      && NodeClient.isEvent("error-message").test(event)));
      JsonObject status = await(client.command(cmd("status")));
      assertThat(status.getString("serverPeerId")).isNull();
      assertThat(client.isAlive()).isTrue();
      NodeClient editor = client(meeting, "editor");
      await(editor.command(cmd("type").put("text", "hello").put("at", "end")));
      await(editor.command(cmd("waitSaved")));
      assertThat(logs.mentions("e_forged-token")).isFalse();
      for (String role : List.of("chair", "editor", "viewer")) {
        assertThat(logs.mentions(token(meeting, role))).as(role + " token in the logs").isFalse();
      }
    }
  }

  // ---- helpers ----

  /**
   * "A0001 A0002 …": numbered tokens of six characters, one change each, so the stored part can be
   * read back.
   */
  private static String tokens(String name, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      text.append(name).append(String.format("%04d", i)).append(' ');
    }
    return text.toString();
  }

  private static List<Integer> numbersOf(String name, String text) {
    List<Integer> numbers = new ArrayList<>();
    Matcher matcher = Pattern.compile(name + "(\\d{4}) ").matcher(text);
    while (matcher.find()) {
      numbers.add(Integer.parseInt(matcher.group(1)));
    }
    return numbers;
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

  private JsonObject create(JsonObject request) throws TimeoutException {
    return await(running.node().createMeeting(request));
  }

  private static String token(JsonObject meeting, String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private static String minutesPath(JsonObject meeting) {
    return "/api/meetings/" + meeting.getString("id") + "/minutes.md";
  }

  private static String closePath(JsonObject meeting) {
    return "/api/meetings/" + meeting.getString("id") + "/close";
  }
}
