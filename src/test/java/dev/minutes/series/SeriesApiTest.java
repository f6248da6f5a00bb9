package dev.minutes.series;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.MinutesParser;
import dev.minutes.render.MinutesSections;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.support.LogCapture;
import dev.minutes.support.NodeClient;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.RunningNode;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName(
    "Series (contract §7): one set of links for every call, the next call from the minutes")
class SeriesApiTest {
  @RegisterExtension
  final RunningNode running =
      RunningNode.create()
          .withSettings(Map.of("MINUTES_PUBLISHED_URL", "https://example.org/weekly/{permalink}"))
          .withNodeClients();

  private final List<NodeClient> clients = new ArrayList<>();
  private LogCapture logs;
  private RedisInspector redis;

  @BeforeEach
  void open() {
    logs = new LogCapture();
    redis = RedisInspector.open(running.node().prefix());
  }

  @AfterEach
  void closeClients() {
    clients.forEach(NodeClient::close);
    redis.close();
    logs.close();
  }

  // ---- creating and reading ----

  @Test
  @DisplayName(
      "creating a series answers 201 with its id, series tokens and /s/ page links; Redis keeps only hashes")
  void createSeries() throws TimeoutException {
    JsonObject series = createSeries(mirage());

    String id = series.getString("id");
    JsonObject tokens = series.getJsonObject("tokens");
    assertThat(tokens.getString("chair")).startsWith("sc_");
    assertThat(tokens.getString("editor")).startsWith("se_");
    assertThat(tokens.getString("viewer")).startsWith("sv_");
    JsonObject links = series.getJsonObject("links");
    assertThat(links.getString("chair"))
        .isEqualTo(
            "http://127.0.0.1:"
                + node().port()
                + "/s/"
                + id
                + "#token="
                + tokens.getString("chair"));
    assertThat(links.getString("edit"))
        .endsWith("/s/" + id + "#token=" + tokens.getString("editor"));
    assertThat(links.getString("view"))
        .endsWith("/s/" + id + "#token=" + tokens.getString("viewer"));
    for (Object token : tokens.getMap().values()) {
      assertThat(logs.mentions((String) token)).as("a token was logged").isFalse();
      assertThat(String.join("\n", redis.keys()) + redis.seriesRecord(id).values())
          .doesNotContain((String) token);
    }
    JsonObject view = get("/api/series/" + id, token(series, "viewer"), 200);
    assertThat(view.getString("title")).isEqualTo("MirageOS call");
    assertThat(view.getString("role")).isEqualTo("viewer");
    assertThat(view.getInteger("cadenceDays")).isEqualTo(14);
    assertThat(view.getValue("current")).isNull();
    assertThat(view.getJsonArray("meetings")).isEmpty();
    assertThat(view.getJsonArray("openActions")).isEmpty();
  }

  @Test
  @DisplayName(
      "the first call follows the series (today, chair, attendees, standing agenda) and becomes current")
  void firstCall() throws TimeoutException {
    JsonObject series = createSeries(mirage());

    JsonObject call = startCall(series, new JsonObject());

    String today = LocalDate.now(ZoneOffset.UTC).toString();
    assertThat(call.getString("series")).isEqualTo(series.getString("id"));
    assertThat(call.getString("date")).isEqualTo(today);
    assertThat(call.getJsonArray("notes")).isEmpty();
    assertThat(call.getJsonObject("links").getString("edit")).contains("/m/" + id(call));
    PublishedMinutes minutes = minutesOf(call);
    assertThat(minutes.frontMatter().subject()).isEqualTo("Weekly Meeting: " + today);
    assertThat(minutes.frontMatter().description()).isEqualTo("MirageOS developer call");
    assertThat(MinutesSections.agenda(minutes.body())).containsExactly("Irmin", "Releases");
    MinutesSections.Attendance attendance = MinutesSections.attendees(minutes.body());
    assertThat(attendance.chair()).contains("Amir Chaudhry");
    assertThat(attendance.names())
        .containsExactly(
            "Amir Chaudhry", "Thomas Gazagnaire", "Thomas Leonard", "Anil Madhavapeddy");
    JsonObject view = get("/api/series/" + seriesId(series), token(series, "editor"), 200);
    assertThat(view.getString("current")).isEqualTo(id(call));
    JsonObject listed = view.getJsonArray("meetings").getJsonObject(0);
    assertThat(listed.getString("id")).isEqualTo(id(call));
    assertThat(listed.getString("status")).isEqualTo("open");
    assertThat(listed.getString("date")).isEqualTo(today);
    assertThat(listed.getString("subject")).isEqualTo("Weekly Meeting: " + today);
    assertThat(listed.getString("documentUrl")).isEqualTo(call.getString("documentUrl"));
    assertThat(listed.getJsonArray("published")).isEmpty();
    assertThat(get("/api/meetings/" + id(call), token(series, "viewer"), 200).getString("site"))
        .as("where the minutes' site-relative links lead: MINUTES_PUBLISHED_URL's host")
        .isEqualTo("https://example.org");
  }

  @Test
  @DisplayName(
      "the next call takes date and chair from the previous minutes' sentence, and carries the open items")
  void nextCallFromTheMinutes() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2026-12-09"));
    NodeClient editor = client(series, "editor", first);
    type(
        editor,
        "- [ ] Bob: ship the release\n- [x] Carol: fix the build\n\n"
            + "- The next call is scheduled for **Wednesday, 16th December**, Thomas G\n"
            + "to chair.\n");
    close(series, first);

    JsonObject second = startCall(series, new JsonObject());

    assertThat(second.getString("date")).isEqualTo("2026-12-16");
    assertThat(second.getJsonArray("notes")).isEmpty();
    String body = minutesOf(second).body();
    assertThat(MinutesSections.agenda(body))
        .containsExactly("Review previous notes", "Irmin", "Releases");
    MinutesSections.Attendance attendance = MinutesSections.attendees(body);
    assertThat(attendance.chair()).contains("Thomas Gazagnaire");
    assertThat(attendance.names())
        .as("the series' attendees (contract §7): the series chair is not added")
        .containsExactly("Thomas Gazagnaire", "Thomas Leonard", "Anil Madhavapeddy");
    assertThat(body)
        .contains(
            "#### Review previous notes ####\n\nSee the [previous notes](/weekly/weekly-2026-12-09)."
                + " Open action items:\n\n- [ ] Bob: ship the release\n")
        .doesNotContain("Carol: fix the build");
  }

  @Test
  @DisplayName(
      "an item carried over and then ticked where it was raised is done: the third call does not"
          + " carry it, the overview does not list it, and the call counts it once")
  void itemTickedOutsideTheCarriedCopy() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2026-12-02"));
    type(
        client(series, "editor", first),
        "- [ ] Thomas: fix the ARM runner\n- [ ] Bob: ship the release\n");
    close(series, first);
    JsonObject second = startCall(series, new JsonObject());
    // The carried copy stays unticked in "Review previous notes"; Thomas ticks his item in a
    // section of its own instead, and writes Bob's again further down, still open.
    type(
        client(series, "editor", second),
        "\n- [x] Thomas: fix the  ARM runner\n- [ ] bob: ship the release\n");

    JsonObject view = get("/api/series/" + seriesId(series), token(series, "viewer"), 200);
    assertThat(
            view.getJsonArray("openActions").stream().map(a -> ((JsonObject) a).getString("owner")))
        .containsExactly("Bob");
    assertThat(view.getJsonArray("meetings").getJsonObject(0).getJsonObject("actions"))
        .as("each item once")
        .isEqualTo(new JsonObject().put("open", 1).put("done", 1));

    close(series, second);
    String third = minutesOf(startCall(series, new JsonObject())).body();
    assertThat(third)
        .contains("Open action items:\n\n- [ ] Bob: ship the release\n\n")
        .doesNotContain("ARM runner");
  }

  @Test
  @DisplayName(
      "an impossible date in the sentence (31st February) falls back to the cadence and the 201 says so")
  void impossibleDateFallsBackToTheCadence() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2027-02-10"));
    type(client(series, "editor", first), "Next call is scheduled for **31st February**.\n");
    close(series, first);

    JsonObject second = startCall(series, new JsonObject());

    assertThat(second.getString("date")).isEqualTo("2027-02-24");
    assertThat(second.getJsonArray("notes").getString(0))
        .contains("'31st February' is not a date")
        .contains("14 days after the previous call (2027-02-10)")
        .endsWith("2027-02-24.");
    assertThat(minutesOf(second).frontMatter().updated()).isEqualTo("2027-02-24");
  }

  @Test
  @DisplayName(
      "the overview lists calls newest first with published links, and open items by owner until ticked")
  void overview() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2026-12-02"));
    type(
        client(series, "editor", first),
        "- [ ] Carol: write the post\n- [ ] Bob: ship the release\n");
    close(series, first);
    JsonObject second = startCall(series, new JsonObject());
    NodeClient editor = client(series, "editor", second);
    await(
        editor.command(
            cmd("deleteText")
                .put("url", second.getString("documentUrl"))
                .put("text", "[ ] Carol")));
    await(
        editor.command(
            cmd("insertAfter")
                .put("url", second.getString("documentUrl"))
                .put("after", "Open action items:\n\n- ")
                .put("text", "[x] Carol")));
    await(editor.command(cmd("waitSaved").put("url", second.getString("documentUrl"))));

    JsonObject view = get("/api/series/" + seriesId(series), token(series, "viewer"), 200);

    assertThat(view.getString("current")).isEqualTo(id(second));
    JsonArray meetings = view.getJsonArray("meetings");
    assertThat(meetings.stream().map(m -> ((JsonObject) m).getString("id")))
        .containsExactly(id(second), id(first));
    JsonObject closed = meetings.getJsonObject(1);
    assertThat(closed.getString("status")).isEqualTo("closed");
    assertThat(closed.getString("date")).isEqualTo("2026-12-02");
    JsonObject published = closed.getJsonArray("published").getJsonObject(0);
    assertThat(published.getString("target")).isEqualTo("folder");
    assertThat(published.getString("path")).isEqualTo("2026-12-02.md");
    assertThat(published.getString("url"))
        .isEqualTo("https://example.org/weekly/weekly-2026-12-02");
    assertThat(published.fieldNames()).containsExactlyInAnyOrder("target", "state", "path", "url");
    assertThat(meetings.getJsonObject(0).getJsonObject("actions"))
        .isEqualTo(new JsonObject().put("open", 1).put("done", 1));
    assertThat(view.getJsonArray("openActions"))
        .containsExactly(
            new JsonObject()
                .put("owner", "Bob")
                .put("text", "ship the release")
                .put("meeting", id(first))
                .put("date", "2026-12-02"));
  }

  // ---- tokens ----

  @Test
  @DisplayName(
      "series tokens work on every call with their role; a call's own tokens on that call alone")
  void seriesTokensOnMeetings() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2026-12-02"));
    close(series, first);
    JsonObject second = startCall(series, new JsonObject());

    for (JsonObject call : List.of(first, second)) {
      for (String role : List.of("chair", "editor", "viewer")) {
        JsonObject view = get("/api/meetings/" + id(call), token(series, role), 200);
        assertThat(view.getString("role")).isEqualTo(role);
        assertThat(view.getString("series")).isEqualTo(seriesId(series));
      }
    }
    assertThat(get("/api/meetings/" + id(second), token(second, "viewer"), 200).getString("role"))
        .isEqualTo("viewer");
    assertRefused(
        node().get("/api/meetings/" + id(first), token(second, "chair")), 403, "wrong_meeting");
  }

  @Test
  @DisplayName(
      "a call reopened for corrections does not block the next call; current stays the newest")
  void reopenedCallDoesNotCount() throws TimeoutException {
    JsonObject series = createSeries(mirage());
    JsonObject first = startCall(series, new JsonObject().put("date", "2026-12-02"));
    close(series, first);
    JsonObject reopened =
        post("/api/meetings/" + id(first) + "/reopen", token(series, "chair"), null, 200);
    assertThat(reopened).isEqualTo(new JsonObject().put("status", "open").put("revision", 1));
    assertThat(
            get("/api/series/" + seriesId(series), token(series, "chair"), 200).getValue("current"))
        .isNull();

    JsonObject second = startCall(series, new JsonObject());

    JsonObject view = get("/api/series/" + seriesId(series), token(series, "chair"), 200);
    assertThat(second.getString("date")).isEqualTo("2026-12-16");
    assertThat(view.getString("current")).isEqualTo(id(second));
    assertThat(view.getJsonArray("meetings").getJsonObject(1).getBoolean("reopened")).isTrue();
  }

  // ---- refusals: each a precise error, nothing changed ----

  @Nested
  @DisplayName("refusals change nothing")
  class Refusals {
    private JsonObject series;
    private JsonObject call;
    private Set<String> keysBefore;

    @BeforeEach
    void createSeriesAndCall() throws TimeoutException {
      series = createSeries(mirage());
      call = startCall(series, new JsonObject().put("date", "2026-12-02"));
      keysBefore = redis.keys();
    }

    @AfterEach
    void nothingChanged() {
      assertThat(redis.keys()).as("Redis keys").isEqualTo(keysBefore);
    }

    @Test
    @DisplayName("starting a call while one is open is 409 call_open")
    void callOpen() throws TimeoutException {
      assertRefused(
          node().post(seriesPath() + "/meetings", token(series, "chair"), new JsonObject()),
          409,
          "call_open");
    }

    @Test
    @DisplayName("reading an unknown series is 404 unknown_series")
    void unknownSeries() throws TimeoutException {
      assertRefused(
          node().get("/api/series/2PnxkGV4zrM1ujq1sQJkT3AzqZXp", token(series, "chair")),
          404,
          "unknown_series");
    }

    @Test
    @DisplayName("starting a call of an unknown series (or a malformed id) is 404 unknown_series")
    void startUnknownSeries() throws TimeoutException {
      assertRefused(
          node()
              .post(
                  "/api/series/2PnxkGV4zrM1ujq1sQJkT3AzqZXp/meetings",
                  token(series, "chair"),
                  null),
          404,
          "unknown_series");
      assertRefused(
          node().post("/api/series/x%7D%7Bx/meetings", token(series, "chair"), null),
          404,
          "unknown_series");
    }

    @Test
    @DisplayName("starting a call with the series' editor token is 403 wrong_role")
    void editorCannotStart() throws TimeoutException {
      assertRefused(
          node().post(seriesPath() + "/meetings", token(series, "editor"), null),
          403,
          "wrong_role");
    }

    @Test
    @DisplayName("starting a call without a token is 401 missing_token, with a wrong one 401")
    void noToken() throws TimeoutException {
      assertRefused(node().post(seriesPath() + "/meetings", null, null), 401, "missing_token");
      assertRefused(node().get(seriesPath(), "sc_not-a-token"), 401, "invalid_token");
    }

    @Test
    @DisplayName("a series token on a meeting of another series is 403 wrong_series")
    void tokenOfAnotherSeries() throws TimeoutException {
      JsonObject other = createSeries(mirage());
      JsonObject otherCall = startCall(other, new JsonObject());
      keysBefore = redis.keys();

      assertRefused(
          node().get("/api/meetings/" + id(otherCall), token(series, "viewer")),
          403,
          "wrong_series");
      assertRefused(
          node().post("/api/meetings/" + id(otherCall) + "/close", token(series, "chair"), null),
          403,
          "wrong_series");
      assertRefused(
          node().get("/api/series/" + seriesId(other), token(series, "chair")),
          403,
          "wrong_series");
    }

    @Test
    @DisplayName("a call's own chair token on its series is 403 wrong_series")
    void meetingTokenOnSeries() throws TimeoutException {
      assertRefused(node().get(seriesPath(), token(call, "chair")), 403, "wrong_series");
    }

    @Test
    @DisplayName("cadenceDays 0, 366, 7.5 or \"7\" is 400 invalid_cadenceDays")
    void cadenceOutOfRange() throws TimeoutException {
      for (Object cadence : List.of(0, 366, 7.5, "7", -7)) {
        assertRefused(
            node().post("/api/series", null, mirage().put("cadenceDays", cadence)),
            400,
            "invalid_cadenceDays");
      }
    }

    @Test
    @DisplayName("a series with an attendee holding a line break is 400 invalid_attendees")
    void badAttendee() throws TimeoutException {
      assertRefused(
          node()
              .post(
                  "/api/series",
                  null,
                  mirage().put("attendees", new JsonArray().add("Ada\nLovelace"))),
          400,
          "invalid_attendees");
    }

    @Test
    @DisplayName("a next call with an impossible date field (2026-02-30) is 400 invalid_date")
    void badDate() throws TimeoutException {
      assertRefused(
          node()
              .post(
                  seriesPath() + "/meetings",
                  token(series, "chair"),
                  new JsonObject().put("date", "2026-02-30")),
          400,
          "invalid_date");
    }

    @Test
    @DisplayName("reopening an open meeting is 409 not_closed")
    void reopenOpenMeeting() throws TimeoutException {
      assertRefused(
          node().post("/api/meetings/" + id(call) + "/reopen", token(series, "chair"), null),
          409,
          "not_closed");
    }

    private String seriesPath() {
      return "/api/series/" + seriesId(series);
    }
  }

  // ---- helpers ----

  private TestNode node() {
    return running.node();
  }

  private static JsonObject mirage() {
    return new JsonObject()
        .put("title", "MirageOS call")
        .put("chair", "Amir Chaudhry")
        .put(
            "attendees",
            new JsonArray(List.of("Thomas Gazagnaire", "Thomas Leonard", "Anil Madhavapeddy")))
        .put("agenda", new JsonArray(List.of("Irmin", "Releases")))
        .put("cadenceDays", 14)
        .put("description", "MirageOS developer call")
        .put(
            "author",
            new JsonObject().put("name", "Amir Chaudhry").put("uri", "http://amirchaudhry.com"));
  }

  private JsonObject createSeries(JsonObject request) throws TimeoutException {
    return post("/api/series", null, request, 201);
  }

  private JsonObject startCall(JsonObject series, JsonObject request) throws TimeoutException {
    return post(
        "/api/series/" + seriesId(series) + "/meetings", token(series, "chair"), request, 201);
  }

  private void close(JsonObject series, JsonObject call) throws TimeoutException {
    post("/api/meetings/" + id(call) + "/close", token(series, "chair"), null, 200);
  }

  private PublishedMinutes minutesOf(JsonObject call) throws TimeoutException {
    HttpResponse<Buffer> response =
        await(node().get("/api/meetings/" + id(call) + "/minutes.md", token(call, "viewer")));
    return MinutesParser.parse(response.bodyAsString());
  }

  /** A client of the official automerge-repo holding the series' token, on the call's document. */
  private NodeClient client(JsonObject series, String role, JsonObject call)
      throws TimeoutException {
    NodeClient client =
        NodeClient.start(
            running.vertx(), "client.mjs", List.of("--url", node().syncUrl(token(series, role))));
    clients.add(client);
    await(client.command(cmd("find").put("url", call.getString("documentUrl"))));
    return client;
  }

  private static void type(NodeClient client, String text) throws TimeoutException {
    await(client.command(cmd("type").put("text", text).put("at", "end").put("perChange", 16)));
    await(client.command(cmd("waitSaved")));
  }

  private JsonObject get(String path, String token, int status) throws TimeoutException {
    HttpResponse<Buffer> response = await(node().get(path, token));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  private JsonObject post(String path, String token, JsonObject body, int status)
      throws TimeoutException {
    HttpResponse<Buffer> response = await(node().post(path, token, body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    return response.bodyAsJsonObject();
  }

  /** A precise refusal: status, JSON body with the code and a message, and a WARN line. */
  private void assertRefused(Future<HttpResponse<Buffer>> request, int status, String code)
      throws TimeoutException {
    HttpResponse<Buffer> response = await(request);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject();
    assertThat(error.getString("error")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(logs.warned("refused", String.valueOf(status), code))
        .as("a WARN line for " + status + " " + code)
        .isTrue();
  }

  private static String id(JsonObject created) {
    return created.getString("id");
  }

  private static String seriesId(JsonObject series) {
    return series.getString("id");
  }

  private static String token(JsonObject created, String role) {
    return created.getJsonObject("tokens").getString(role);
  }
}
