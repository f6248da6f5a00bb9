package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.PublishFixture.OPERATOR_TOKEN;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Deliveries that do not succeed before the give-up window ends land in the dead letters, where the operator can retry them")
class WebhookFailureTest {
  private Vertx vertx;
  private WebhookReceiver receiver;
  private PublishProbe probe;
  private TestNode node;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    receiver = await(WebhookReceiver.start(vertx, new StandardWebhooksVerifier(List.of(SECRET_A))));
    probe = new PublishProbe(vertx);
    node =
        await(
            TestNode.start(vertx, RedisHarness.newPrefix(), settingsGivingUpSoon(receiver.url())));
  }

  /** Retries every 10–40 ms, giving up after three seconds: failures in test time. */
  private static Map<String, String> settingsGivingUpSoon(String url) {
    Map<String, String> settings = PublishFixture.webhookSettings(url);
    settings.put("MINUTES_PUBLISH_GIVE_UP_MS", "3000");
    return settings;
  }

  @AfterEach
  void stop() throws TimeoutException {
    probe.close();
    await(node.stopAndClean());
    await(receiver.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "a receiver that keeps refusing past the give-up window: the job fails, shows in the meeting and the operator list, and the operator's retry delivers it")
  void givesUpThenOperatorRetries() throws TimeoutException {
    receiver.otherwise(Answer.status(400));
    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-05-07"));
    await(probe.outcome(meeting.id(), "webhook", "failed"));

    int attempts = receiver.received().size();
    assertThat(attempts).as("retried until the window ended").isGreaterThan(1);
    JsonObject state = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(state.getString("state")).isEqualTo("failed");
    assertThat(state.getInteger("attempts")).isEqualTo(attempts);
    assertThat(state.getString("lastError")).contains("gave up after").contains("HTTP 400");
    assertThat(state.getString("deliveredAt")).isNull();
    String jobId = state.getString("jobId");

    JsonArray failed =
        await(operatorGet("/api/operator/publish/failed"))
            .bodyAsJsonObject()
            .getJsonArray("failed");
    assertThat(failed).extracting(entry -> ((JsonObject) entry).getString("jobId")).contains(jobId);
    JsonObject listed =
        failed.stream()
            .map(JsonObject.class::cast)
            .filter(entry -> jobId.equals(entry.getString("jobId")))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getString("meetingId")).isEqualTo(meeting.id());
    assertThat(listed.getString("lastError")).contains("HTTP 400");
    assertThat(listed.getString("failedAt")).isNotNull();

    receiver.otherwise(Answer.status(200));
    HttpResponse<Buffer> retried = await(operatorPost("/api/operator/publish/" + jobId + "/retry"));
    assertThat(retried.statusCode()).isEqualTo(202);
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    assertThat(receiver.accepted()).hasSize(1);
    assertThat(receiver.received())
        .extracting(Received::webhookId)
        .containsOnly(receiver.received().get(0).webhookId());
    JsonObject delivered = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(delivered.getString("state")).isEqualTo("delivered");
    assertThat(delivered.getInteger("attempts")).isEqualTo(attempts + 1);
    JsonArray failedAfter =
        await(operatorGet("/api/operator/publish/failed"))
            .bodyAsJsonObject()
            .getJsonArray("failed");
    assertThat(failedAfter)
        .extracting(entry -> ((JsonObject) entry).getString("jobId"))
        .doesNotContain(jobId);
    assertThat(await(operatorPost("/api/operator/publish/" + jobId + "/retry")).statusCode())
        .isEqualTo(409);
    assertThat(await(operatorPost("/api/operator/publish/no-such-job/retry")).statusCode())
        .isEqualTo(404);
    assertThat(
            node.node()
                .registry()
                .get("minutes_publish_failures")
                .tag("target", "webhook")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  private Future<HttpResponse<Buffer>> operatorGet(String path) {
    return node.get(path, OPERATOR_TOKEN);
  }

  private Future<HttpResponse<Buffer>> operatorPost(String path) {
    return node.post(path, OPERATOR_TOKEN, null);
  }
}
