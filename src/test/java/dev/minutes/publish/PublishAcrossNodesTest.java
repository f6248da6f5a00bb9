package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.PublishFixture.SECRET_A;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.PublishFixture;
import dev.minutes.support.PublishFixture.Meeting;
import dev.minutes.support.PublishProbe;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.StandardWebhooksVerifier;
import dev.minutes.support.TestNode;
import dev.minutes.support.WebhookReceiver;
import dev.minutes.support.WebhookReceiver.Answer;
import dev.minutes.support.WebhookReceiver.Received;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Publish jobs live in Redis: they survive restarts and each is delivered once across nodes")
class PublishAcrossNodesTest {
  private Vertx vertx;
  private WebhookReceiver receiver;
  private PublishProbe probe;
  private String prefix;
  private final List<TestNode> nodes = new ArrayList<>();

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    receiver = await(WebhookReceiver.start(vertx, new StandardWebhooksVerifier(List.of(SECRET_A))));
    probe = new PublishProbe(vertx);
    prefix = RedisHarness.newPrefix();
  }

  @AfterEach
  void stop() throws TimeoutException {
    probe.close();
    for (TestNode node : nodes) {
      await(node.stop());
    }
    await(RedisHarness.cleanup(vertx, prefix));
    await(receiver.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "a node stopped in the middle of the retries: the next node on the same Redis resumes and delivers once")
  void restartResumesRetries() throws TimeoutException {
    receiver.otherwise(Answer.status(503));
    Map<String, String> settings = PublishFixture.webhookSettings(receiver.url());
    TestNode first = node(settings);
    Meeting meeting = await(PublishFixture.createAndClose(first, "2030-06-04"));
    await(receiver.requests(3));
    JsonObject before = await(PublishFixture.publishState(first, meeting, "webhook"));
    await(first.stop());
    nodes.remove(first);
    int attemptsBeforeRestart = receiver.received().size();
    assertThat(before.getString("state")).isEqualTo("pending");

    receiver.otherwise(Answer.status(200));
    TestNode second = node(settings);
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    List<Received> requests = receiver.received();
    assertThat(attemptsBeforeRestart).isGreaterThanOrEqualTo(3);
    assertThat(requests).hasSize(attemptsBeforeRestart + 1);
    assertThat(receiver.accepted()).hasSize(1);
    assertThat(requests).extracting(Received::webhookId).containsOnly(requests.get(0).webhookId());
    JsonObject after = await(PublishFixture.publishState(second, meeting, "webhook"));
    assertThat(after.getString("state")).isEqualTo("delivered");
    assertThat(after.getInteger("attempts")).isEqualTo(requests.size());
  }

  @Test
  @DisplayName(
      "two nodes on one Redis, closes on both and a flaky receiver: every publication is accepted exactly once")
  void twoNodesDeliverEachJobOnce() throws TimeoutException {
    receiver
        .script(Answer.status(503), Answer.status(500), Answer.status(503), Answer.status(500))
        .otherwise(Answer.status(200));
    Map<String, String> settings = PublishFixture.webhookSettings(receiver.url());
    TestNode a = node(settings);
    TestNode b = node(settings);
    List<Meeting> meetings = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      meetings.add(await(PublishFixture.createAndClose(i % 2 == 0 ? a : b, "2030-07-0" + (i + 1))));
    }
    for (Meeting meeting : meetings) {
      await(probe.outcome(meeting.id(), "webhook", "delivered"));
    }
    // Stopping waits for attempts in flight, so any duplicate would have arrived by now.
    await(a.stop());
    await(b.stop());
    nodes.clear();

    Map<String, Long> acceptedPerId =
        receiver.accepted().stream()
            .collect(Collectors.groupingBy(Received::webhookId, Collectors.counting()));
    assertThat(acceptedPerId).hasSize(6).allSatisfy((id, count) -> assertThat(count).isEqualTo(1L));
    assertThat(receiver.received()).extracting(Received::problem).containsOnlyNulls();
    Map<String, String> meetingPerId =
        receiver.accepted().stream()
            .collect(
                Collectors.toMap(
                    Received::webhookId,
                    r -> r.json().getJsonObject("data").getString("meetingId")));
    assertThat(meetingPerId.values())
        .containsExactlyInAnyOrderElementsOf(
            meetings.stream().map(Meeting::id).collect(Collectors.toList()));
    assertThat(probe.events())
        .filteredOn(e -> "delivered".equals(e.getString("outcome")))
        .extracting(e -> e.getString("jobId"))
        .doesNotHaveDuplicates()
        .hasSize(6);
  }

  @Test
  @DisplayName(
      "a job for a target that only another node has: a node without it leaves the job to be retried, and a node with it delivers it")
  void targetOnAnotherNodeOnly() throws TimeoutException, java.io.IOException {
    receiver.otherwise(Answer.status(503));
    Map<String, String> withWebhook = PublishFixture.webhookSettings(receiver.url());
    TestNode closing = node(withWebhook);
    Meeting meeting = await(PublishFixture.createAndClose(closing, "2030-06-11"));
    await(receiver.requests(1));
    await(closing.stop());
    nodes.remove(closing);

    Map<String, String> folderOnly = new java.util.HashMap<>(withWebhook);
    folderOnly.remove("MINUTES_WEBHOOK_URL");
    folderOnly.remove("MINUTES_WEBHOOK_SECRET");
    folderOnly.put(
        "MINUTES_PUBLISH_FOLDER",
        java.nio.file.Files.createTempDirectory("minutes-folder-only").toString());
    TestNode withoutIt = node(folderOnly);
    JsonObject leftForOthers =
        await(
            probe.first(
                e ->
                    meeting.id().equals(e.getString("meetingId"))
                        && "retry".equals(e.getString("outcome"))
                        && String.valueOf(e.getString("detail")).contains("not configured")));
    receiver.otherwise(Answer.status(200));
    node(withWebhook);
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    assertThat(leftForOthers.getString("detail"))
        .isEqualTo("target 'webhook' is not configured on this node");
    assertThat(probe.events())
        .as("never dead-lettered on the way")
        .noneMatch(e -> "failed".equals(e.getString("outcome")));
    assertThat(receiver.accepted()).hasSize(1);
    assertThat(await(PublishFixture.publishState(withoutIt, meeting, "webhook")).getString("state"))
        .isEqualTo("delivered");
  }

  private TestNode node(Map<String, String> settings) throws TimeoutException {
    TestNode node = await(TestNode.start(vertx, prefix, settings));
    nodes.add(node);
    return node;
  }
}
