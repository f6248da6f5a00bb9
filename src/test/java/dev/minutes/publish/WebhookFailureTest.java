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
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
    "Deliveries that cannot succeed land in the dead letters, where the operator can retry them")
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
            TestNode.start(
                vertx, RedisHarness.newPrefix(), PublishFixture.webhookSettings(receiver.url())));
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
      "a 400 fails the job at once; it shows in the meeting and the operator list, and the operator's retry delivers it")
  void badRequestFailsFastAndOperatorRetries() throws TimeoutException {
    receiver.otherwise(Answer.status(400));
    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-05-07"));
    await(probe.outcome(meeting.id(), "webhook", "failed"));

    assertThat(receiver.received()).hasSize(1);
    JsonObject state = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(state.getString("state")).isEqualTo("failed");
    assertThat(state.getInteger("attempts")).isEqualTo(1);
    assertThat(state.getString("lastError")).contains("HTTP 400");
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
    assertThat(delivered.getInteger("attempts")).isEqualTo(2);
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

  @Test
  @DisplayName(
      "a 410 disables the target: later jobs fail without a request until the operator retries")
  void goneDisablesTheTarget() throws TimeoutException {
    receiver.script(Answer.status(410)).otherwise(Answer.status(200));
    Meeting first = await(PublishFixture.createAndClose(node, "2030-05-14"));
    JsonObject gone = await(probe.outcome(first.id(), "webhook", "failed"));
    assertThat(gone.getString("detail")).contains("410");

    Meeting second = await(PublishFixture.createAndClose(node, "2030-05-21"));
    JsonObject skipped = await(probe.outcome(second.id(), "webhook", "failed"));
    assertThat(skipped.getString("detail")).contains("target disabled");
    assertThat(receiver.received()).hasSize(1);
    assertThat(await(PublishFixture.publishState(node, second, "webhook")).getInteger("attempts"))
        .isZero();

    String firstJob = await(PublishFixture.publishState(node, first, "webhook")).getString("jobId");
    assertThat(await(operatorPost("/api/operator/publish/" + firstJob + "/retry")).statusCode())
        .isEqualTo(202);
    await(probe.outcome(first.id(), "webhook", "delivered"));
    String secondJob =
        await(PublishFixture.publishState(node, second, "webhook")).getString("jobId");
    assertThat(await(operatorPost("/api/operator/publish/" + secondJob + "/retry")).statusCode())
        .isEqualTo(202);
    await(probe.outcome(second.id(), "webhook", "delivered"));

    assertThat(receiver.received()).hasSize(3);
    assertThat(receiver.accepted())
        .extracting(r -> r.json().getJsonObject("data").getString("meetingId"))
        .containsExactlyInAnyOrder(first.id(), second.id());
  }

  private Future<HttpResponse<Buffer>> operatorGet(String path) {
    return node.get(path, OPERATOR_TOKEN);
  }

  private Future<HttpResponse<Buffer>> operatorPost(String path) {
    return node.post(path, OPERATOR_TOKEN, null);
  }
}
