package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.PublishFixture;
import dev.minutes.support.PublishFixture.Meeting;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The folder target writes <updated>.md atomically and idempotently")
class FolderPublishTest {
  @TempDir Path dataDir;
  private Vertx vertx;
  private PublishProbe probe;
  private TestNode node;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    probe = new PublishProbe(vertx);
  }

  @AfterEach
  void stop() throws TimeoutException {
    probe.close();
    if (node != null) {
      await(node.stopAndClean());
    }
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "by default a close writes <data dir>/published/<updated>.md with exactly the rendered bytes")
  void closeWritesTheRenderedFile() throws TimeoutException, IOException {
    node =
        await(
            TestNode.start(
                vertx, RedisHarness.newPrefix(), Map.of("MINUTES_DATA_DIR", dataDir.toString())));
    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-08-06"));
    await(probe.outcome(meeting.id(), "folder", "delivered"));

    Path file = dataDir.resolve("published").resolve("2030-08-06.md");
    String minutes = await(PublishFixture.minutes(node, meeting));
    assertThat(Files.readAllBytes(file)).isEqualTo(minutes.getBytes(StandardCharsets.UTF_8));
    assertThat(listing(file.getParent())).containsExactly("2030-08-06.md");
    JsonObject state = await(PublishFixture.publishState(node, meeting, "folder"));
    assertThat(state.getString("state")).isEqualTo("delivered");
    assertThat(state.getString("location"))
        .as("attendees see the file name, never the server's path")
        .isEqualTo("2030-08-06.md");
    assertThat(state.getString("path")).isEqualTo("2030-08-06.md");
    assertThat(state.getInteger("revision")).isEqualTo(1);
    assertThat(state.getInteger("attempts")).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "re-delivering a publication, one after another or eight at once, leaves exactly its bytes and no temp files")
  void redeliveryIsIdempotent() throws TimeoutException, IOException {
    Path folder = dataDir.resolve("out");
    FolderTarget target = new FolderTarget(vertx, folder);
    String first = "---\nupdated: 2030-09-03\n---\nNotes with ünïcödé\n";
    String correction = first + "\nA correction.\n";

    assertThat(await(target.deliver(job("m1", "2030-09-03.md", first, 1))).kind())
        .isEqualTo(DeliveryResult.Kind.DELIVERED);
    assertThat(await(target.deliver(job("m1", "2030-09-03.md", first, 1))).kind())
        .isEqualTo(DeliveryResult.Kind.DELIVERED);
    PublishJob second = job("m1", "2030-09-03.md", correction, 2, first);
    List<Future<DeliveryResult>> concurrent = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      concurrent.add(target.deliver(second));
    }
    await(Future.all(concurrent));

    assertThat(concurrent)
        .allSatisfy(f -> assertThat(f.result().kind()).isEqualTo(DeliveryResult.Kind.DELIVERED));
    assertThat(Files.readAllBytes(folder.resolve("2030-09-03.md")))
        .isEqualTo(correction.getBytes(StandardCharsets.UTF_8));
    assertThat(listing(folder)).containsExactly("2030-09-03.md");
  }

  @Test
  @DisplayName(
      "a file this meeting did not publish (another meeting's, one damaged or written by hand) is never replaced")
  void neverOverwritesAnotherPublication() throws TimeoutException, IOException {
    Path folder = dataDir.resolve("out");
    FolderTarget target = new FolderTarget(vertx, folder);
    await(target.deliver(job("a", "2030-09-10.md", "first\n", 1)));

    DeliveryResult other = await(target.deliver(job("b", "2030-09-10.md", "second\n", 1)));
    Files.writeString(folder.resolve("2030-09-17.md"), "a truncated copy");
    DeliveryResult damaged =
        await(target.deliver(job("c", "2030-09-17.md", "third\n", 2, "an earlier third\n")));

    assertThat(other.kind())
        .as("refused on every attempt until someone moves the file")
        .isEqualTo(DeliveryResult.Kind.RETRYABLE);
    assertThat(other.detail())
        .isEqualTo(
            "refusing to overwrite 2030-09-10.md: it holds other minutes than this meeting"
                + " published; move it away and the next attempt writes it");
    assertThat(damaged.kind()).isEqualTo(DeliveryResult.Kind.RETRYABLE);
    assertThat(Files.readString(folder.resolve("2030-09-10.md"))).isEqualTo("first\n");
    assertThat(Files.readString(folder.resolve("2030-09-17.md"))).isEqualTo("a truncated copy");
  }

  private static PublishJob job(
      String meetingId, String path, String markdown, int revision, String... earlier) {
    return new PublishJob(
        meetingId + ".folder." + revision,
        meetingId,
        "folder",
        "",
        path,
        "weekly-" + path.replace(".md", ""),
        revision,
        java.util.Arrays.stream(earlier).map(Fingerprint::ofContent).toList(),
        markdown,
        "",
        "");
  }

  @Test
  @DisplayName("a file name that would leave the folder is refused for good")
  void refusesEscapingNames() throws TimeoutException {
    FolderTarget target = new FolderTarget(vertx, dataDir.resolve("out"));
    PublishJob job = job("x", "../escape.md", "text\n", 1);
    DeliveryResult result = await(target.deliver(job));
    assertThat(result.kind()).isEqualTo(DeliveryResult.Kind.PERMANENT);
    assertThat(dataDir.resolve("escape.md")).doesNotExist();
  }

  private static List<String> listing(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
