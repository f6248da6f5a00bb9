package dev.minutes.http;

import static dev.minutes.support.Await.await;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.Author;
import dev.minutes.render.BodyInput;
import dev.minutes.render.BodyTemplate;
import dev.minutes.render.FrontMatter;
import dev.minutes.render.MinutesParser;
import dev.minutes.render.MinutesRenderer;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.support.Corpus;
import dev.minutes.support.LogCapture;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.RedisInspector;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The meetings HTTP API (contract §3) on a real node and Redis")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeetingApiTest {
  private static final String FULL_FILE =
      """
      ---
      updated: 2024-03-05
      author:
        name: Amir Chaudhry
        uri: http://amirchaudhry.com
        email: amirmc@gmail.com
      subject: 'Weekly Meeting: 2024-03-05'
      permalink: weekly-2024-03-05
      description: '5th March 2024: Irmin and CI'
      ---

      ### Agenda ###

      - Irmin
      - CI

      Attendees: Amir Chaudhry (chair), Thomas Gazagnaire and Anil Madhavapeddy

      ### Notes ###

      #### Irmin ####


      #### CI ####


      #### AoB ####

      """;

  private Vertx vertx;
  private TestNode node;
  private RedisInspector redis;
  private LogCapture logs;

  @BeforeAll
  void startNode() throws TimeoutException {
    vertx = Vertx.vertx();
    node = TestNode.start(vertx).await(30, SECONDS);
    redis = RedisInspector.open(node.prefix());
  }

  @AfterAll
  void stopNode() throws TimeoutException {
    redis.close();
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @BeforeEach
  void captureLogs() {
    logs = new LogCapture();
  }

  @AfterEach
  void releaseLogs() {
    logs.close();
  }

  // ---- the routes ----

  @Test
  @DisplayName(
      "links take the scheme a trusted balancer forwards (X-Forwarded-Proto); anyone else's is"
          + " ignored")
  void linksBehindTlsBalancer() throws Exception {
    assertThat(linkCreatedThrough(node)).startsWith("http://127.0.0.1:" + node.port() + "/m/");
    TestNode behindBalancer =
        TestNode.start(
                vertx, RedisHarness.newPrefix(), Map.of("MINUTES_TRUSTED_PROXIES", "127.0.0.1"))
            .await(30, SECONDS);
    try {
      assertThat(linkCreatedThrough(behindBalancer))
          .startsWith("https://127.0.0.1:" + behindBalancer.port() + "/m/");
    } finally {
      behindBalancer.stopAndClean().await(30, SECONDS);
    }
  }

  /** A meeting's edit link, created as a balancer that terminates TLS would forward the request. */
  private static String linkCreatedThrough(TestNode target) throws TimeoutException {
    return target
        .http()
        .post(target.port(), "127.0.0.1", "/api/meetings")
        .putHeader("X-Forwarded-Proto", "https")
        .sendJsonObject(new JsonObject().put("chair", "Ada"))
        .await(30, SECONDS)
        .bodyAsJsonObject()
        .getJsonObject("links")
        .getString("edit");
  }

  @Test
  @DisplayName(
      "creating with every field answers 201 with id, automerge URL, status, tokens and page links")
  void createAnswersTokensAndLinks() throws TimeoutException {
    JsonObject created = create(fullRequest());

    assertThat(created.getString("id")).isNotBlank();
    assertThat(created.getString("documentUrl")).isEqualTo("automerge:" + created.getString("id"));
    assertThat(created.getString("status")).isEqualTo("open");
    JsonObject tokens = created.getJsonObject("tokens");
    assertThat(tokens.fieldNames()).containsExactlyInAnyOrder("chair", "editor", "viewer");
    assertThat(Set.copyOf(tokens.getMap().values())).hasSize(3);
    JsonObject links = created.getJsonObject("links");
    assertThat(links.getString("chair"))
        .contains(created.getString("id"))
        .endsWith(tokens.getString("chair"));
    assertThat(links.getString("edit")).endsWith(tokens.getString("editor"));
    assertThat(links.getString("view")).endsWith(tokens.getString("viewer"));
    for (String token : tokens.getMap().values().stream().map(String::valueOf).toList()) {
      assertThat(logs.mentions(token)).as("a token was logged").isFalse();
      assertThat(String.join("\n", redis.keys()) + redis.meeting(created.getString("id")).values())
          .as("Redis keeps only token hashes")
          .doesNotContain(token);
    }
  }

  @Test
  @DisplayName(
      "GET shows meta, status open, the caller's role, no closed yet, publish, action items and"
          + " the body")
  void getShowsTheMeeting() throws TimeoutException {
    JsonObject created = create(fullRequest());
    String id = created.getString("id");
    String expectedBody = initialBodyOfFullRequest();

    for (String role : List.of("chair", "editor", "viewer")) {
      HttpResponse<Buffer> response = await(node.get("/api/meetings/" + id, token(created, role)));
      assertThat(response.statusCode()).isEqualTo(200);
      JsonObject view = response.bodyAsJsonObject();
      assertThat(view.getString("id")).isEqualTo(id);
      assertThat(view.getString("documentUrl")).isEqualTo(created.getString("documentUrl"));
      assertThat(view.getString("status")).isEqualTo("open");
      assertThat(view.getString("role")).isEqualTo(role);
      assertThat(view.getJsonObject("meta"))
          .isEqualTo(
              new JsonObject()
                  .put("updated", "2024-03-05")
                  .put(
                      "author",
                      new JsonObject()
                          .put("name", "Amir Chaudhry")
                          .put("uri", "http://amirchaudhry.com")
                          .put("email", "amirmc@gmail.com"))
                  .put("subject", "Weekly Meeting: 2024-03-05")
                  .put("permalink", "weekly-2024-03-05")
                  .put("description", "5th March 2024: Irmin and CI"));
      assertThat(view.containsKey("closed")).isTrue();
      assertThat(view.getValue("closed")).isNull();
      assertThat(view.getJsonArray("publish")).isEmpty();
      assertThat(view.getValue("site")).as("no MINUTES_PUBLISHED_URL: no docs site").isNull();
      assertThat(view.getJsonArray("actionItems")).isEmpty();
      assertThat(view.getString("body")).isEqualTo(expectedBody);
    }
  }

  @Test
  @DisplayName(
      "minutes.md of a new meeting is its front matter and initial body, in the corpus layout")
  void minutesOfANewMeeting() throws TimeoutException {
    JsonObject created = create(fullRequest());

    HttpResponse<Buffer> response = await(node.get(minutesPath(created), token(created, "viewer")));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/markdown");
    String expectedBody = initialBodyOfFullRequest();
    FrontMatter meta =
        new FrontMatter(
            "2024-03-05",
            new Author("Amir Chaudhry", "http://amirchaudhry.com", "amirmc@gmail.com"),
            "Weekly Meeting: 2024-03-05",
            "weekly-2024-03-05",
            "5th March 2024: Irmin and CI");
    assertThat(response.bodyAsString()).isEqualTo(MinutesRenderer.render(meta, expectedBody));
    assertThat(response.bodyAsString()).isEqualTo(FULL_FILE);
  }

  @Test
  @DisplayName("an empty creation request gets today's date, the standard subject and permalink")
  void createWithDefaults() throws TimeoutException {
    JsonObject created = create(new JsonObject());
    String today = LocalDate.now(ZoneOffset.UTC).toString();

    JsonObject view =
        await(node.get("/api/meetings/" + created.getString("id"), token(created, "chair")))
            .bodyAsJsonObject();

    assertThat(view.getJsonObject("meta").getString("updated")).isEqualTo(today);
    assertThat(view.getJsonObject("meta").getString("subject"))
        .isEqualTo("Weekly Meeting: " + today);
    assertThat(view.getJsonObject("meta").getString("permalink")).isEqualTo("weekly-" + today);
    String minutes = await(node.get(minutesPath(created), token(created, "chair"))).bodyAsString();
    assertThat(MinutesParser.parse(minutes).body())
        .isEqualTo("\n### Agenda ###\n\nAttendees:\n\n### Notes ###\n\n#### AoB ####\n\n");
  }

  @Test
  @DisplayName(
      "importing without a Content-Type header takes the bytes as Markdown: 201, and minutes.md gives them back")
  void importWithoutContentType() throws TimeoutException {
    byte[] bytes = corpusBytes("2014-04-01.md");
    HttpResponse<Buffer> response = await(importFile(Buffer.buffer(bytes), null, null));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject created = response.bodyAsJsonObject();
    HttpResponse<Buffer> minutes = await(node.get(minutesPath(created), token(created, "viewer")));
    assertThat(minutes.body().getBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusFiles")
  @DisplayName("importing a published file and reading minutes.md gives back the same bytes")
  void importRoundTrip(String name, byte[] bytes) throws TimeoutException {
    HttpResponse<Buffer> response =
        await(importFile(Buffer.buffer(bytes), "text/markdown; charset=utf-8", null));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject created = response.bodyAsJsonObject();
    assertThat(created.getString("status")).isEqualTo("open");
    HttpResponse<Buffer> minutes = await(node.get(minutesPath(created), token(created, "viewer")));
    assertThat(minutes.statusCode()).isEqualTo(200);
    assertThat(minutes.body().getBytes()).isEqualTo(bytes);
    PublishedMinutes parsed = MinutesParser.parse(new String(bytes, StandardCharsets.UTF_8));
    JsonObject view =
        await(node.get("/api/meetings/" + created.getString("id"), token(created, "editor")))
            .bodyAsJsonObject();
    assertThat(view.getJsonObject("meta").getString("updated"))
        .isEqualTo(parsed.frontMatter().updated());
    assertThat(view.getJsonObject("meta").getString("description"))
        .isEqualTo(parsed.frontMatter().description());
    assertThat(name).isEqualTo(parsed.frontMatter().fileName());
  }

  @Test
  @DisplayName(
      "the chair closes: 200 with status and closed {at, by, heads}; GET and minutes.md show the final version")
  void chairCloses() throws TimeoutException {
    // A date no other test closes: a second meeting of one date publishes as <date>-2 (§5).
    JsonObject created = create(fullRequest().put("date", "2024-04-09"));
    String id = created.getString("id");
    String before = await(node.get(minutesPath(created), token(created, "editor"))).bodyAsString();

    HttpResponse<Buffer> response =
        await(
            node.post(
                "/api/meetings/" + id + "/close",
                token(created, "chair"),
                new JsonObject().put("by", "Anil Madhavapeddy")));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject result = response.bodyAsJsonObject();
    assertThat(result.getString("status")).isEqualTo("closed");
    JsonObject closed = result.getJsonObject("closed");
    assertThat(closed.getString("by")).isEqualTo("Anil Madhavapeddy");
    assertThat(closed.getString("at"))
        .matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    assertThat(closed.getJsonArray("heads")).isNotEmpty();
    JsonObject view =
        await(node.get("/api/meetings/" + id, token(created, "viewer"))).bodyAsJsonObject();
    assertThat(view.getString("status")).isEqualTo("closed");
    assertThat(view.getJsonObject("closed")).isEqualTo(closed);
    assertThat(before).endsWith(view.getString("body"));
    assertThat(view.getJsonArray("publish")).as("one job for the default folder target").hasSize(1);
    JsonObject job = view.getJsonArray("publish").getJsonObject(0);
    assertThat(job.getString("target")).isEqualTo("folder");
    assertThat(job.getString("state")).isIn("pending", "delivered");
    assertThat(job.fieldNames()).contains("attempts", "lastError", "deliveredAt");
    assertThat(await(node.get(minutesPath(created), token(created, "viewer"))).bodyAsString())
        .isEqualTo(before);
    assertThat(redis.writesClosed(id)).isTrue();
  }

  @Test
  @DisplayName("closing twice returns the same result and changes nothing the second time")
  void closeTwice() throws TimeoutException {
    JsonObject created = create(fullRequest());
    String path = "/api/meetings/" + created.getString("id") + "/close";

    JsonObject first = await(node.post(path, token(created, "chair"), null)).bodyAsJsonObject();
    Map<String, String> state = redis.meetingState(created.getString("id"));
    HttpResponse<Buffer> second =
        await(node.post(path, token(created, "chair"), new JsonObject().put("by", "Someone Else")));

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.bodyAsJsonObject()).isEqualTo(first);
    assertThat(first.getJsonObject("closed").getString("by")).isEqualTo("Amir Chaudhry");
    assertThat(withoutLease(redis.meetingState(created.getString("id"))))
        .isEqualTo(withoutLease(state));
  }

  @Test
  @DisplayName("health answers and an unknown API path is a JSON 404")
  void healthAndUnknownRoutes() throws TimeoutException {
    assertThat(await(node.get("/health/live", null)).statusCode()).isEqualTo(200);
    assertThat(await(node.get("/health/ready", null)).bodyAsJsonObject().getString("status"))
        .isEqualTo("UP");
    assertRefused(await(node.get("/api/nothing/here", null)), 404, "not_found");
  }

  // ---- refusals of creation: each a precise 4xx, logged, nothing stored ----

  @Nested
  @DisplayName("refused creations store nothing")
  class RefusedCreations {
    private Set<String> keysBefore;

    @BeforeEach
    void rememberKeys() {
      keysBefore = redis.meetingKeys();
    }

    @AfterEach
    void nothingStored() {
      assertThat(redis.meetingKeys()).as("keys under the node's prefix").isEqualTo(keysBefore);
    }

    @Test
    @DisplayName("malformed JSON is 400 malformed_json")
    void malformedJson() throws TimeoutException {
      assertRefused(
          await(
              raw(
                  HttpMethod.POST,
                  "/api/meetings",
                  null,
                  "application/json",
                  Buffer.buffer("{\"chair\": "))),
          400,
          "malformed_json");
    }

    @Test
    @DisplayName("a JSON array instead of an object is 400 malformed_json")
    void jsonArray() throws TimeoutException {
      assertRefused(
          await(
              raw(
                  HttpMethod.POST,
                  "/api/meetings",
                  null,
                  "application/json",
                  Buffer.buffer("[1, 2]"))),
          400,
          "malformed_json");
    }

    @Test
    @DisplayName("a date that is no calendar day (2024-02-30) is 400 invalid_date")
    void impossibleDate() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("date", "2024-02-30"))), 400, "invalid_date");
    }

    @Test
    @DisplayName("a date in another format (05/03/2024) is 400 invalid_date")
    void otherDateFormat() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("date", "05/03/2024"))), 400, "invalid_date");
    }

    @Test
    @DisplayName("a date that is not a string is 400 invalid_date")
    void numericDate() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("date", 20240305))), 400, "invalid_date");
    }

    @Test
    @DisplayName("an empty chair is 400 invalid_chair")
    void emptyChair() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("chair", "  "))), 400, "invalid_chair");
    }

    @Test
    @DisplayName("10,000 agenda items are 400 invalid_agenda")
    void tenThousandAgendaItems() throws TimeoutException {
      JsonArray agenda = new JsonArray(Collections.nCopies(10_000, "Item"));
      assertRefused(await(postJson(fullRequest().put("agenda", agenda))), 400, "invalid_agenda");
    }

    @Test
    @DisplayName("an agenda item that is not a string is 400 invalid_agenda")
    void agendaItemNotAString() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("agenda", new JsonArray().add("Irmin").add(42)))),
          400,
          "invalid_agenda");
    }

    @Test
    @DisplayName("agenda as a string instead of a list is 400 invalid_agenda")
    void agendaNotAList() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("agenda", "Irmin, CI"))), 400, "invalid_agenda");
    }

    @Test
    @DisplayName("an attendee with a line break is 400 invalid_attendees")
    void attendeeWithLineBreak() throws TimeoutException {
      assertRefused(
          await(
              postJson(fullRequest().put("attendees", new JsonArray().add("Anil\nMadhavapeddy")))),
          400,
          "invalid_attendees");
    }

    @Test
    @DisplayName("an attendee with a Unicode line separator is 400 invalid_attendees")
    void attendeeWithLineSeparator() throws TimeoutException {
      assertRefused(
          await(
              postJson(
                  fullRequest().put("attendees", new JsonArray().add("Anil\u2028Madhavapeddy")))),
          400,
          "invalid_attendees");
    }

    @Test
    @DisplayName("an author that is not an object is 400 invalid_author")
    void authorNotAnObject() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("author", "Amir"))), 400, "invalid_author");
    }

    @Test
    @DisplayName("an author name that is not a string is 400 invalid_author")
    void authorNameNotAString() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("author", new JsonObject().put("name", List.of("A"))))),
          400,
          "invalid_author");
    }

    @Test
    @DisplayName("a subject longer than 500 characters is 400 invalid_subject")
    void subjectTooLong() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("subject", "x".repeat(501)))), 400, "invalid_subject");
    }

    @Test
    @DisplayName("a description with a tab is 400 invalid_description")
    void descriptionWithTab() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("description", "a\tb"))), 400, "invalid_description");
    }

    @Test
    @DisplayName("a body over the size limit is 413 body_too_large")
    void hugeBody() throws TimeoutException {
      JsonObject huge = fullRequest().put("description", "x".repeat(2 * 1024 * 1024));
      assertRefused(await(postJson(huge)), 413, "body_too_large");
    }

    @Test
    @DisplayName("an unknown previous meeting is 400 unknown_previous")
    void unknownPrevious() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("previous", "2PnxkGV4zrM1ujq1sQJkT3AzqZXp"))),
          400,
          "unknown_previous");
    }

    @Test
    @DisplayName(
        "a previous that is no meeting id at all (braces of a Redis hash tag) is 400 unknown_previous")
    void malformedPrevious() throws TimeoutException {
      assertRefused(
          await(postJson(fullRequest().put("previous", "x}:lease{y"))), 400, "unknown_previous");
    }

    @Test
    @DisplayName("a previous that is not a string is 400 invalid_previous")
    void previousNotAString() throws TimeoutException {
      assertRefused(await(postJson(fullRequest().put("previous", 7))), 400, "invalid_previous");
    }

    @Test
    @DisplayName("importing a text that is not in the published format is 400 invalid_minutes")
    void importNotTheFormat() throws TimeoutException {
      assertRefused(
          await(
              importFile(
                  Buffer.buffer("# Just some notes\n\nNo front matter.\n"), "text/markdown", null)),
          400,
          "invalid_minutes");
    }

    @Test
    @DisplayName("importing a corpus file with CRLF line endings is 400 invalid_minutes")
    void importCrlf() throws TimeoutException {
      String crlf =
          new String(corpusBytes("2014-04-01.md"), StandardCharsets.UTF_8).replace("\n", "\r\n");
      assertRefused(
          await(importFile(Buffer.buffer(crlf), "text/markdown", null)), 400, "invalid_minutes");
    }

    @Test
    @DisplayName("importing bytes that are not UTF-8 is 400 invalid_encoding")
    void importNotUtf8() throws TimeoutException {
      String text =
          new String(corpusBytes("2014-04-01.md"), StandardCharsets.UTF_8)
              .replace("Mini-OS", "Mini-ÖS");
      Buffer latin1 = Buffer.buffer(text.getBytes(StandardCharsets.ISO_8859_1));
      assertRefused(await(importFile(latin1, "text/markdown", null)), 400, "invalid_encoding");
    }

    @Test
    @DisplayName("importing as application/json is 415 unsupported_media_type")
    void importWrongContentType() throws TimeoutException {
      assertRefused(
          await(importFile(Buffer.buffer(corpusBytes("2014-04-01.md")), "application/json", null)),
          415,
          "unsupported_media_type");
    }

    @Test
    @DisplayName("importing an empty body is 400 invalid_minutes")
    void importEmpty() throws TimeoutException {
      assertRefused(
          await(importFile(Buffer.buffer(), "text/markdown", null)), 400, "invalid_minutes");
    }

    @Test
    @DisplayName("importing a file over the size limit is 413 body_too_large")
    void importHuge() throws TimeoutException {
      String huge =
          new String(corpusBytes("2014-04-01.md"), StandardCharsets.UTF_8)
              + "x".repeat(2 * 1024 * 1024);
      assertRefused(
          await(importFile(Buffer.buffer(huge), "text/markdown", null)), 413, "body_too_large");
    }
  }

  // ---- refusals of reads and closes: each a precise 4xx, logged, the meeting unchanged ----

  @Nested
  @DisplayName("refused reads and closes leave the meeting unchanged")
  class RefusedAccess {
    private JsonObject meeting;
    private JsonObject other;
    private Map<String, String> stateBefore;

    @BeforeEach
    void createMeetings() throws TimeoutException {
      meeting = create(fullRequest());
      other = create(fullRequest());
      stateBefore = redis.meetingState(id());
    }

    @AfterEach
    void unchanged() throws TimeoutException {
      assertThat(redis.meetingState(id())).as("the meeting's keys").isEqualTo(stateBefore);
      assertThat(redis.writesClosed(id())).isFalse();
      JsonObject view =
          await(node.get("/api/meetings/" + id(), token(meeting, "viewer"))).bodyAsJsonObject();
      assertThat(view.getString("status")).isEqualTo("open");
      assertThat(view.getValue("closed")).isNull();
    }

    private String id() {
      return meeting.getString("id");
    }

    @Test
    @DisplayName("GET without a token is 401 missing_token")
    void getWithoutToken() throws TimeoutException {
      assertRefused(await(node.get("/api/meetings/" + id(), null)), 401, "missing_token");
    }

    @Test
    @DisplayName("GET with a token no meeting has is 401 invalid_token")
    void getWithWrongToken() throws TimeoutException {
      assertRefused(
          await(node.get("/api/meetings/" + id(), "c_not-a-real-token")), 401, "invalid_token");
    }

    @Test
    @DisplayName("GET with another scheme than Bearer is 401 missing_token")
    void getWithBasicAuth() throws TimeoutException {
      HttpResponse<Buffer> response =
          await(
              node.http()
                  .get(node.port(), "127.0.0.1", "/api/meetings/" + id())
                  .putHeader("authorization", "Basic " + token(meeting, "chair"))
                  .send());
      assertRefused(response, 401, "missing_token");
    }

    @Test
    @DisplayName("GET with a token of another meeting is 403 wrong_meeting")
    void getWithOtherMeetingsToken() throws TimeoutException {
      assertRefused(
          await(node.get("/api/meetings/" + id(), token(other, "chair"))), 403, "wrong_meeting");
    }

    @Test
    @DisplayName(
        "GET of an unknown meeting is 404 unknown_meeting, with a valid token of another meeting")
    void getUnknownMeeting() throws TimeoutException {
      assertRefused(
          await(node.get("/api/meetings/2PnxkGV4zrM1ujq1sQJkT3AzqZXp", token(meeting, "chair"))),
          404,
          "unknown_meeting");
    }

    @Test
    @DisplayName("GET of an unknown meeting without a token is 404 unknown_meeting")
    void getUnknownMeetingWithoutToken() throws TimeoutException {
      assertRefused(
          await(node.get("/api/meetings/2PnxkGV4zrM1ujq1sQJkT3AzqZXp", null)),
          404,
          "unknown_meeting");
    }

    @Test
    @DisplayName("minutes.md without a token is 401 missing_token")
    void minutesWithoutToken() throws TimeoutException {
      assertRefused(await(node.get(minutesPath(meeting), null)), 401, "missing_token");
    }

    @Test
    @DisplayName("minutes.md with a token of another meeting is 403 wrong_meeting")
    void minutesWithOtherMeetingsToken() throws TimeoutException {
      assertRefused(
          await(node.get(minutesPath(meeting), token(other, "viewer"))), 403, "wrong_meeting");
    }

    @Test
    @DisplayName("minutes.md of an unknown meeting is 404 unknown_meeting")
    void minutesOfUnknownMeeting() throws TimeoutException {
      assertRefused(
          await(
              node.get(
                  "/api/meetings/2PnxkGV4zrM1ujq1sQJkT3AzqZXp/minutes.md",
                  token(meeting, "viewer"))),
          404,
          "unknown_meeting");
    }

    @Test
    @DisplayName("close with the editor token is 403 wrong_role")
    void closeByEditor() throws TimeoutException {
      assertRefused(
          await(node.post(closePath(), token(meeting, "editor"), null)), 403, "wrong_role");
    }

    @Test
    @DisplayName("close with the viewer token is 403 wrong_role")
    void closeByViewer() throws TimeoutException {
      assertRefused(
          await(node.post(closePath(), token(meeting, "viewer"), null)), 403, "wrong_role");
    }

    @Test
    @DisplayName("close without a token is 401 missing_token")
    void closeWithoutToken() throws TimeoutException {
      assertRefused(await(node.post(closePath(), null, null)), 401, "missing_token");
    }

    @Test
    @DisplayName("close with a wrong token is 401 invalid_token")
    void closeWithWrongToken() throws TimeoutException {
      assertRefused(await(node.post(closePath(), "c_forged", null)), 401, "invalid_token");
    }

    @Test
    @DisplayName("close with the chair token of another meeting is 403 wrong_meeting")
    void closeWithOtherMeetingsChairToken() throws TimeoutException {
      assertRefused(
          await(node.post(closePath(), token(other, "chair"), null)), 403, "wrong_meeting");
    }

    @Test
    @DisplayName("close of an unknown meeting is 404 unknown_meeting")
    void closeUnknownMeeting() throws TimeoutException {
      assertRefused(
          await(
              node.post(
                  "/api/meetings/2PnxkGV4zrM1ujq1sQJkT3AzqZXp/close",
                  token(meeting, "chair"),
                  null)),
          404,
          "unknown_meeting");
    }

    @Test
    @DisplayName("close with a malformed JSON body is 400 malformed_json")
    void closeWithMalformedBody() throws TimeoutException {
      assertRefused(
          await(
              raw(
                  HttpMethod.POST,
                  closePath(),
                  token(meeting, "chair"),
                  "application/json",
                  Buffer.buffer("{by"))),
          400,
          "malformed_json");
    }

    @Test
    @DisplayName("close with a 'by' that is not a name is 400 invalid_by")
    void closeWithInvalidBy() throws TimeoutException {
      assertRefused(
          await(node.post(closePath(), token(meeting, "chair"), new JsonObject().put("by", 12))),
          400,
          "invalid_by");
    }

    @Test
    @DisplayName("GET on the close route is 405 method_not_allowed")
    void getOnCloseRoute() throws TimeoutException {
      assertRefused(
          await(node.get(closePath(), token(meeting, "chair"))), 405, "method_not_allowed");
    }

    private String closePath() {
      return "/api/meetings/" + id() + "/close";
    }
  }

  // ---- creation token ----

  @Nested
  @DisplayName("with MINUTES_CREATE_TOKEN configured")
  class CreationToken {
    private static final String CREATE_TOKEN = "create-secret-for-tests";
    private TestNode guarded;
    private RedisInspector guardedRedis;

    @BeforeEach
    void startGuardedNode() throws TimeoutException {
      guarded =
          TestNode.start(
                  vertx, RedisHarness.newPrefix(), Map.of("MINUTES_CREATE_TOKEN", CREATE_TOKEN))
              .await(30, SECONDS);
      guardedRedis = RedisInspector.open(guarded.prefix());
    }

    @AfterEach
    void stopGuardedNode() throws TimeoutException {
      guardedRedis.close();
      guarded.stopAndClean().await(30, SECONDS);
    }

    @Test
    @DisplayName("creating without the token is 401 missing_token and stores nothing")
    void createWithoutToken() throws TimeoutException {
      HttpResponse<Buffer> response = await(guarded.post("/api/meetings", null, fullRequest()));
      assertRefused(response, 401, "missing_token");
      assertThat(guardedRedis.meetingKeys()).isEmpty();
    }

    @Test
    @DisplayName("creating with a wrong token is 401 invalid_token and stores nothing")
    void createWithWrongToken() throws TimeoutException {
      HttpResponse<Buffer> response =
          await(guarded.post("/api/meetings", "not-" + CREATE_TOKEN, fullRequest()));
      assertRefused(response, 401, "invalid_token");
      assertThat(guardedRedis.meetingKeys()).isEmpty();
      assertThat(logs.mentions("not-" + CREATE_TOKEN)).isFalse();
    }

    @Test
    @DisplayName("importing without the token is 401 missing_token and stores nothing")
    void importWithoutToken() throws TimeoutException {
      HttpResponse<Buffer> response =
          await(
              guarded
                  .http()
                  .post(guarded.port(), "127.0.0.1", "/api/meetings/import")
                  .putHeader("content-type", "text/markdown")
                  .sendBuffer(Buffer.buffer(corpusBytes("2014-04-01.md"))));
      assertRefused(response, 401, "missing_token");
      assertThat(guardedRedis.meetingKeys()).isEmpty();
    }

    @Test
    @DisplayName("creating and importing with the token are 201")
    void createWithToken() throws TimeoutException {
      HttpResponse<Buffer> created =
          await(guarded.post("/api/meetings", CREATE_TOKEN, fullRequest()));
      HttpResponse<Buffer> imported =
          await(
              guarded
                  .http()
                  .post(guarded.port(), "127.0.0.1", "/api/meetings/import")
                  .bearerTokenAuthentication(CREATE_TOKEN)
                  .putHeader("content-type", "text/markdown")
                  .sendBuffer(Buffer.buffer(corpusBytes("2014-04-01.md"))));

      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
      assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(201);
      assertThat(logs.mentions(CREATE_TOKEN)).isFalse();
    }
  }

  // ---- helpers ----

  static Stream<org.junit.jupiter.params.provider.Arguments> corpusFiles() {
    List<Path> found = Corpus.files();
    assertThat(found).as("corpus files in " + Corpus.directory()).hasSize(Corpus.EXPECTED_FILES);
    return found.stream()
        .map(
            p ->
                org.junit.jupiter.params.provider.Arguments.of(
                    p.getFileName().toString(), Corpus.bytes(p)));
  }

  private static byte[] corpusBytes(String name) {
    return Corpus.bytes(name);
  }

  /** The body a meeting created from {@link #fullRequest()} starts with. */
  private static String initialBodyOfFullRequest() {
    return BodyTemplate.initialBody(
        new BodyInput(
            "Amir Chaudhry",
            List.of("Thomas Gazagnaire", "Anil Madhavapeddy"),
            List.of("Irmin", "CI"),
            List.of(),
            null));
  }

  private static JsonObject fullRequest() {
    return new JsonObject()
        .put("date", "2024-03-05")
        .put("subject", "Weekly Meeting: 2024-03-05")
        .put("description", "5th March 2024: Irmin and CI")
        .put(
            "author",
            new JsonObject()
                .put("name", "Amir Chaudhry")
                .put("uri", "http://amirchaudhry.com")
                .put("email", "amirmc@gmail.com"))
        .put("chair", "Amir Chaudhry")
        .put("attendees", new JsonArray().add("Thomas Gazagnaire").add("Anil Madhavapeddy"))
        .put("agenda", new JsonArray().add("Irmin").add("CI"));
  }

  private JsonObject create(JsonObject request) throws TimeoutException {
    return await(node.createMeeting(request));
  }

  private Future<HttpResponse<Buffer>> postJson(JsonObject request) {
    return node.post("/api/meetings", null, request);
  }

  private Future<HttpResponse<Buffer>> importFile(Buffer body, String contentType, String token) {
    return raw(HttpMethod.POST, "/api/meetings/import", token, contentType, body);
  }

  private Future<HttpResponse<Buffer>> raw(
      HttpMethod method, String path, String token, String contentType, Buffer body) {
    HttpRequest<Buffer> request = node.http().request(method, node.port(), "127.0.0.1", path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    if (contentType != null) {
      request.putHeader("content-type", contentType);
    }
    return request.sendBuffer(body);
  }

  private static String token(JsonObject created, String role) {
    return created.getJsonObject("tokens").getString(role);
  }

  private static String minutesPath(JsonObject created) {
    return "/api/meetings/" + created.getString("id") + "/minutes.md";
  }

  private static Map<String, String> withoutLease(Map<String, String> state) {
    Map<String, String> copy = new java.util.TreeMap<>(state);
    // The delivery worker turns the close's outbox entries into job records on its own time.
    copy.keySet().removeIf(key -> key.endsWith(":lease") || key.contains(":publish:"));
    return copy;
  }

  /** A precise 4xx: status, JSON body with the code and a message, and a WARN line naming both. */
  private void assertRefused(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    JsonObject error = response.bodyAsJsonObject();
    assertThat(error.getString("error")).isEqualTo(code);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(logs.warned("refused", String.valueOf(status), code))
        .as("a WARN line for " + status + " " + code + " in " + logs.lines())
        .isTrue();
  }
}
