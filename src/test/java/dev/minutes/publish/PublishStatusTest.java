package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.MeetingRecords;
import dev.minutes.store.PublishOutbox;
import dev.minutes.store.PublishOutbox.Claim;
import dev.minutes.store.PublishOutbox.Outcome;
import dev.minutes.store.RedisConnection;
import dev.minutes.support.PublishFixture;
import dev.minutes.support.RedisHarness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A page that saw the close asks the server how its minutes are published, and stops asking once
 * every target it is told of has an outcome: an answer naming no target, or the targets of the
 * revision before, would leave it showing nothing, or the wrong delivery, for good.
 */
@DisplayName("A meeting's publish state right after a close")
class PublishStatusTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private Vertx vertx;
  private RedisConnection connection;
  private MeetingRecords records;
  private PublishOutbox outbox;
  private OutboxPublisher publisher;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    connection = await(RedisHarness.connect(vertx, RedisHarness.newPrefix()));
    records = new MeetingRecords(connection);
    outbox = new PublishOutbox(connection);
    publisher =
        new OutboxPublisher(outbox, List.of(), Clock.systemUTC(), () -> {}, Optional.empty());
  }

  @AfterEach
  void stop() throws TimeoutException {
    await(RedisHarness.cleanup(connection));
    await(connection.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "pages asking at the same moment after the close each get the meeting's jobs, never an empty list")
  void concurrentAsksAllSeeTheJobs() throws TimeoutException {
    // Both asks find no job record yet; one of them turns the outbox entries into jobs, and the
    // other, whose own turn then finds nothing left to turn, must still read them.
    for (int i = 0; i < 10; i++) {
      String meeting = "m" + i;
      close(meeting, 1);
      List<Future<List<JsonObject>>> asks = new ArrayList<>();
      for (int page = 0; page < 3; page++) {
        asks.add(publisher.status(meeting, 1));
      }
      await(Future.all(asks));
      for (Future<List<JsonObject>> ask : asks) {
        assertThat(ask.result())
            .as("meeting %s", meeting)
            .extracting(job -> job.getString("target"))
            .containsExactly("folder", "webhook");
      }
    }
  }

  @Test
  @DisplayName(
      "right after a correction's close: its own pending jobs, not the delivered ones of the revision before")
  void correctionShowsItsOwnJobs() throws TimeoutException {
    close("m", 1);
    await(outbox.ingest(T0, 100));
    Claim claim = await(outbox.claimDue(T0, T0.plusSeconds(60), 10, "worker"));
    for (var job : claim.jobs()) {
      await(outbox.finish(job.get("id"), job.get("claim"), Outcome.delivered(T0, 1, T0)));
    }
    assertThat(await(records.reopen("m", T0.toString(), "chair")))
        .isEqualTo(MeetingRecords.Reopened.REOPENED);
    close("m", 2);

    List<JsonObject> correction = await(publisher.status("m", 2));
    List<JsonObject> first = await(publisher.status("m", 1));

    assertThat(correction)
        .extracting(job -> job.getInteger("revision") + " " + job.getString("state"))
        .containsExactly("2 pending", "2 pending");
    assertThat(first)
        .extracting(job -> job.getInteger("revision") + " " + job.getString("state"))
        .containsExactly("1 delivered", "1 delivered");
    assertThat(await(publisher.status("m", 0))).as("never closed: nothing to show").isEmpty();
  }

  /** Closes {@code meetingId} as revision {@code revision}, with a folder and a webhook job. */
  private void close(String meetingId, int revision) throws TimeoutException {
    List<String> jobs =
        List.of(job(meetingId, "folder", revision), job(meetingId, "webhook", revision));
    MeetingRecords.Published published =
        new MeetingRecords.Published(revision, meetingId + ".md", meetingId);
    assertThat(await(records.finalizeClose(meetingId, "{}", "final", published, jobs))).isTrue();
  }

  private static String job(String meetingId, String target, int revision) {
    return PublishFixture.outboxJob(
        meetingId + "." + target + ".r" + revision, meetingId, target, revision);
  }
}
