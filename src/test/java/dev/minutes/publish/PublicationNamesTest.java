package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.NodeClient.cmd;
import static dev.minutes.support.PublishFixture.SECRET_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.render.MinutesParser;
import dev.minutes.render.PublishedMinutes;
import dev.minutes.support.NodeClient;
import dev.minutes.support.NodeProject;
import dev.minutes.support.PublishFixture;
import dev.minutes.support.PublishFixture.Meeting;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.StandardWebhooksVerifier;
import dev.minutes.support.TestNode;
import dev.minutes.support.WebhookReceiver;
import dev.minutes.support.WebhookReceiver.Received;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "No meeting overwrites another's publication (contract §5): <updated>-2.md and its permalink")
class PublicationNamesTest {
  private Vertx vertx;
  private WebhookReceiver receiver;
  private PublishProbe probe;
  private String prefix;
  private Path folder;
  private TestNode first;
  private TestNode second;

  @BeforeEach
  void start() throws TimeoutException, IOException {
    vertx = Vertx.vertx();
    receiver = await(WebhookReceiver.start(vertx, new StandardWebhooksVerifier(List.of(SECRET_A))));
    probe = new PublishProbe(vertx);
    prefix = RedisHarness.newPrefix();
    folder = Files.createTempDirectory("minutes-names");
    Map<String, String> settings = new HashMap<>(PublishFixture.webhookSettings(receiver.url()));
    settings.put("MINUTES_PUBLISH_FOLDER", folder.toString());
    settings.put("MINUTES_PUBLISHED_URL", "https://example.org/weekly/{permalink}?file={path}");
    first = await(TestNode.start(vertx, prefix, settings));
    second = await(TestNode.start(vertx, prefix, settings));
  }

  @AfterEach
  void stop() throws TimeoutException {
    probe.close();
    await(first.stop());
    await(second.stop());
    await(RedisHarness.cleanup(vertx, prefix));
    await(receiver.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "three meetings of one date closed at once on two nodes: three files, three permalinks, each consistent everywhere")
  void sameDateMeetings() throws TimeoutException, IOException {
    List<Meeting> meetings =
        List.of(
            await(PublishFixture.create(first, "2030-11-03")),
            await(PublishFixture.create(second, "2030-11-03")),
            await(PublishFixture.create(first, "2030-11-03")));

    await(
        Future.all(
            PublishFixture.close(first, meetings.get(0)),
            PublishFixture.close(second, meetings.get(1)),
            PublishFixture.close(second, meetings.get(2))));
    for (Meeting meeting : meetings) {
      for (String target : List.of("folder", "webhook")) {
        await(probe.outcome(meeting.id(), target, "delivered"));
      }
    }

    assertThat(listing(folder))
        .containsExactly("2030-11-03-2.md", "2030-11-03-3.md", "2030-11-03.md");
    Map<String, Received> webhooks =
        receiver.accepted().stream()
            .collect(
                Collectors.toMap(
                    r -> r.json().getJsonObject("data").getString("meetingId"),
                    Function.identity()));
    for (Meeting meeting : meetings) {
      String published = await(PublishFixture.minutes(first, meeting));
      PublishedMinutes minutes = MinutesParser.parse(published);
      String permalink = minutes.frontMatter().permalink();
      String path = permalink.replace("weekly-", "") + ".md";
      JsonObject data = webhooks.get(meeting.id()).json().getJsonObject("data");
      JsonObject folderState = await(PublishFixture.publishState(first, meeting, "folder"));

      assertThat(Files.readString(folder.resolve(path))).isEqualTo(published);
      assertThat(data.getString("path")).isEqualTo(path);
      assertThat(data.getString("permalink")).isEqualTo(permalink);
      assertThat(data.getJsonObject("frontMatter").getString("permalink")).isEqualTo(permalink);
      assertThat(data.getString("markdown")).isEqualTo(published);
      assertThat(folderState.getString("path")).isEqualTo(path);
      assertThat(folderState.getString("url"))
          .isEqualTo("https://example.org/weekly/" + permalink + "?file=" + path);
    }
    assertThat(
            meetings.stream()
                .map(m -> MinutesParser.parse(minutesOf(m)).frontMatter().permalink())
                .toList())
        .containsExactlyInAnyOrder(
            "weekly-2030-11-03", "weekly-2030-11-03-2", "weekly-2030-11-03-3");
  }

  @Test
  @DisplayName(
      "minutes already in the folder that this Redis never recorded (another deployment's, the docs site's own) keep their files: the close takes the next free suffix")
  void filesAlreadyInTheFolder() throws TimeoutException, IOException {
    Files.writeString(folder.resolve("2030-11-10.md"), "minutes of an earlier deployment\n");
    Files.writeString(folder.resolve("2030-11-10-2.md"), "and another one\n");
    Files.writeString(folder.resolve("2030-11-10-draft.md"), "not a publication's name\n");
    Meeting meeting = await(PublishFixture.create(first, "2030-11-10"));

    await(PublishFixture.close(second, meeting));
    await(probe.outcome(meeting.id(), "folder", "delivered"));
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    String published = await(PublishFixture.minutes(first, meeting));
    assertThat(MinutesParser.parse(published).frontMatter().permalink())
        .isEqualTo("weekly-2030-11-10-3");
    assertThat(Files.readString(folder.resolve("2030-11-10-3.md"))).isEqualTo(published);
    assertThat(Files.readString(folder.resolve("2030-11-10.md")))
        .isEqualTo("minutes of an earlier deployment\n");
    assertThat(Files.readString(folder.resolve("2030-11-10-2.md"))).isEqualTo("and another one\n");
    assertThat(receiver.accepted().get(0).json().getJsonObject("data").getString("path"))
        .isEqualTo("2030-11-10-3.md");
  }

  @Test
  @DisplayName(
      "a permalink typed to equal another meeting's takes a suffix too, though its date is free")
  void permalinkTaken() throws TimeoutException, IOException {
    NodeProject.ensureInstalled();
    Meeting earlier = await(PublishFixture.createAndClose(first, "2030-11-10"));
    Meeting later = await(PublishFixture.create(first, "2030-11-17"));
    JsonObject created =
        await(
            first
                .get("/api/meetings/" + later.id(), later.viewerToken())
                .map(r -> r.bodyAsJsonObject()));
    try (NodeClient editor =
        NodeClient.start(
            vertx, "client.mjs", List.of("--url", first.syncUrl(later.chairToken())))) {
      await(editor.command(cmd("find").put("url", created.getString("documentUrl"))));
      await(
          editor.command(
              cmd("put")
                  .put("path", List.of("meta", "permalink"))
                  .put("value", "weekly-2030-11-10")));
      await(editor.command(cmd("waitSaved")));
    }

    await(PublishFixture.close(first, later));
    await(probe.outcome(later.id(), "folder", "delivered"));

    assertThat(MinutesParser.parse(minutesOf(later)).frontMatter().permalink())
        .isEqualTo("weekly-2030-11-10-2");
    assertThat(listing(folder)).contains("2030-11-10.md", "2030-11-17-2.md");
    assertThat(MinutesParser.parse(minutesOf(earlier)).frontMatter().permalink())
        .isEqualTo("weekly-2030-11-10");
  }

  private String minutesOf(Meeting meeting) {
    try {
      return await(PublishFixture.minutes(first, meeting));
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
