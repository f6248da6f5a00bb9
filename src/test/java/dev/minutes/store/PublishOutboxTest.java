package dev.minutes.store;

import static dev.minutes.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.PublishOutbox.Claim;
import dev.minutes.store.PublishOutbox.Outcome;
import dev.minutes.store.PublishOutbox.Requeue;
import dev.minutes.support.PublishFixture;
import dev.minutes.support.RedisHarness;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The publish outbox in Redis")
class PublishOutboxTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  private Vertx vertx;
  private RedisConnection connection;
  private MeetingRecords records;
  private PublishOutbox outbox;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    connection = await(RedisHarness.connect(vertx, RedisHarness.newPrefix()));
    records = new MeetingRecords(connection);
    outbox = new PublishOutbox(connection);
  }

  @AfterEach
  void stop() throws TimeoutException {
    await(RedisHarness.cleanup(connection));
    await(connection.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("turns each outbox entry into exactly one pending job, however often it is read")
  void ingestOnce() throws TimeoutException {
    closeWithJobs("m1", job("m1.folder.1", "m1", "folder"), job("m1.webhook.1", "m1", "webhook"));

    assertThat(await(outbox.ingest(T0, 100))).isEqualTo(2);
    assertThat(await(outbox.ingest(T0, 100))).isZero();
    List<Map<String, String>> jobs = await(outbox.jobsOfMeeting("m1"));
    assertThat(jobs)
        .extracting(j -> j.get("id"))
        .containsExactlyInAnyOrder("m1.folder.1", "m1.webhook.1");
    assertThat(jobs)
        .allSatisfy(
            j -> {
              assertThat(j.get("state")).isEqualTo("pending");
              assertThat(j.get("attempts")).isEqualTo("0");
              assertThat(j).doesNotContainKey("payload");
            });
    assertThat(await(outbox.claimDue(T0, T0.plusSeconds(60), 0, "probe")).depth()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "the consumer group is created once, and again by ingest when the outbox stream was lost")
  void consumerGroupRecreated() throws TimeoutException {
    await(outbox.prepare());
    await(outbox.prepare()); // a second node starting: the group exists already
    await(
        RedisFutures.toVertx(
            connection.client().getKeys().deleteAsync(records.outboxKey()),
            vertx.getOrCreateContext(),
            "delete outbox"));
    closeWithJobs("m1", job("m1.folder.1", "m1", "folder"));

    assertThat(await(outbox.ingest(T0, 100))).isEqualTo(1);
    assertThat(await(outbox.jobsOfMeeting("m1")))
        .extracting(j -> j.get("id"))
        .containsExactly("m1.folder.1");
  }

  @Test
  @DisplayName(
      "a due job goes to one claimer until its lease expires; the outlived claimer's outcome is discarded")
  void leaseAndFencing() throws TimeoutException {
    closeWithJobs("m2", job("m2.webhook.1", "m2", "webhook"));
    await(outbox.ingest(T0, 100));

    Claim nodeA = await(outbox.claimDue(T0, T0.plusSeconds(60), 10, "node-a"));
    Claim nodeB = await(outbox.claimDue(T0.plusSeconds(1), T0.plusSeconds(61), 10, "node-b"));
    assertThat(nodeA.jobs()).hasSize(1);
    assertThat(nodeA.jobs().get(0).get("payload")).contains("\"target\":\"webhook\"");
    assertThat(nodeB.jobs()).isEmpty();
    assertThat(nodeB.nextDue()).contains(T0.plusSeconds(60));

    Claim afterLease =
        await(outbox.claimDue(T0.plusSeconds(61), T0.plusSeconds(121), 10, "node-b"));
    assertThat(afterLease.jobs()).hasSize(1);
    String staleClaim = nodeA.jobs().get(0).get("claim");
    String freshClaim = afterLease.jobs().get(0).get("claim");
    assertThat(
            await(
                outbox.finish(
                    "m2.webhook.1", staleClaim, Outcome.delivered(T0.plusSeconds(62), 1, T0))))
        .isFalse();
    assertThat(
            await(
                outbox.finish(
                    "m2.webhook.1",
                    freshClaim,
                    Outcome.retry(T0.plusSeconds(62), 2, "HTTP 503", T0.plusSeconds(70), T0))))
        .isTrue();

    Map<String, String> state = await(outbox.jobsOfMeeting("m2")).get(0);
    assertThat(state.get("state")).isEqualTo("pending");
    assertThat(state.get("attempts")).isEqualTo("2");
    assertThat(state.get("lastError")).isEqualTo("HTTP 503");
    assertThat(await(outbox.claimDue(T0.plusSeconds(69), T0.plusSeconds(129), 10, "node-a")).jobs())
        .isEmpty();
    assertThat(await(outbox.claimDue(T0.plusSeconds(70), T0.plusSeconds(130), 10, "node-a")).jobs())
        .hasSize(1);
  }

  @Test
  @DisplayName(
      "a failed job is listed as a dead letter and re-queued once; delivered and unknown jobs are not")
  void deadLettersAndRequeue() throws TimeoutException {
    closeWithJobs("m3", job("m3.webhook.1", "m3", "webhook"));
    await(outbox.ingest(T0, 100));
    String claim =
        await(outbox.claimDue(T0, T0.plusSeconds(60), 10, "node-a")).jobs().get(0).get("claim");
    assertThat(
            await(
                outbox.finish(
                    "m3.webhook.1",
                    claim,
                    Outcome.failed(T0.plusSeconds(1), 1, "gave up: HTTP 503", T0))))
        .isTrue();

    List<Map<String, String>> failed = await(outbox.failed(10));
    assertThat(failed).extracting(j -> j.get("id")).containsExactly("m3.webhook.1");
    assertThat(await(outbox.claimDue(T0.plusSeconds(2), T0.plusSeconds(62), 10, "node-a")).jobs())
        .as("a failed job is not claimed")
        .isEmpty();

    assertThat(await(outbox.requeue("m3.webhook.1", T0.plusSeconds(5))))
        .isEqualTo(Requeue.REQUEUED);
    assertThat(await(outbox.requeue("m3.webhook.1", T0.plusSeconds(5))))
        .isEqualTo(Requeue.NOT_FAILED);
    assertThat(await(outbox.requeue("nope", T0))).isEqualTo(Requeue.UNKNOWN_JOB);
    assertThat(await(outbox.failed(10))).isEmpty();
    Claim again = await(outbox.claimDue(T0.plusSeconds(5), T0.plusSeconds(65), 10, "node-a"));
    assertThat(again.jobs()).hasSize(1);
    assertThat(again.jobs().get(0)).doesNotContainKey("firstAttemptAt");

    assertThat(
            await(
                outbox.finish(
                    "m3.webhook.1",
                    again.jobs().get(0).get("claim"),
                    Outcome.delivered(T0.plusSeconds(6), 2, T0.plusSeconds(5)))))
        .isTrue();
    assertThat(await(outbox.requeue("m3.webhook.1", T0.plusSeconds(7))))
        .isEqualTo(Requeue.NOT_FAILED);
    Map<String, String> delivered = await(outbox.jobsOfMeeting("m3")).get(0);
    assertThat(delivered.get("state")).isEqualTo("delivered");
    assertThat(delivered.get("deliveredAt"))
        .isEqualTo(Long.toString(T0.plusSeconds(6).toEpochMilli()));
    assertThat(await(outbox.claimDue(T0.plusSeconds(8), T0.plusSeconds(68), 10, "node-a")).depth())
        .isZero();
  }

  @Test
  @DisplayName(
      "a malformed outbox entry becomes a visible dead letter instead of blocking the stream")
  void malformedEntry() throws TimeoutException {
    closeWithJobs("m4", "not json", job("m4.folder.1", "m4", "folder"));
    assertThat(await(outbox.ingest(T0, 100))).isEqualTo(1);
    assertThat(await(outbox.failed(10)))
        .singleElement()
        .satisfies(j -> assertThat(j.get("lastError")).isEqualTo("malformed outbox entry"));
    assertThat(await(outbox.jobsOfMeeting("m4"))).hasSize(1);
  }

  private void closeWithJobs(String meetingId, String... jobs) throws TimeoutException {
    assertThat(
            await(
                records.finalizeClose(
                    meetingId,
                    "{}",
                    "final",
                    new MeetingRecords.Published(1, meetingId + ".md", meetingId),
                    List.of(jobs))))
        .isTrue();
  }

  private static String job(String id, String meetingId, String target) {
    return PublishFixture.outboxJob(id, meetingId, target, 1);
  }
}
