package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static dev.minutes.support.PublishFixture.SECRET_B;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Webhook deliveries are retried until the receiver accepts them")
class WebhookRetryTest {
  private Vertx vertx;
  private WebhookReceiver receiver;
  private PublishProbe probe;
  private TestNode node;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    // The receiver knows only the second secret: it accepts because every secret signs.
    receiver = await(WebhookReceiver.start(vertx, new StandardWebhooksVerifier(List.of(SECRET_B))));
    probe = new PublishProbe(vertx);
  }

  @AfterEach
  void stop() throws TimeoutException {
    probe.close();
    if (node != null) {
      await(node.stopAndClean());
    }
    await(receiver.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "500 three times, then 429 with Retry-After, then 200: one accepted publication, same id, valid signatures")
  void retriesUntilAccepted() throws TimeoutException {
    receiver.script(
        Answer.status(500),
        Answer.status(500),
        Answer.status(500),
        Answer.status(429, "Retry-After", "1"),
        Answer.status(200));
    node = startNode(PublishFixture.webhookSettings(receiver.url()));

    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-04-02"));
    JsonObject pending = await(PublishFixture.publishState(node, meeting, "webhook"));
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    List<Received> requests = receiver.received();
    assertThat(requests).hasSize(5);
    assertThat(requests).extracting(Received::status).containsExactly(500, 500, 500, 429, 200);
    assertThat(requests).extracting(Received::problem).containsOnlyNulls();
    assertThat(requests).extracting(Received::webhookId).containsOnly(requests.get(0).webhookId());
    assertThat(requests.get(0).signature()).matches("v1,\\S+ v1,\\S+");
    assertThat(receiver.accepted()).hasSize(1);

    JsonObject body = receiver.accepted().get(0).json();
    String minutes = await(PublishFixture.minutes(node, meeting));
    assertThat(body.getString("type")).isEqualTo("minutes.published");
    assertThat(body.getJsonObject("data").getString("markdown")).isEqualTo(minutes);
    assertThat(body.getJsonObject("data").getString("path")).isEqualTo("2030-04-02.md");
    assertThat(body.getJsonObject("data").getString("meetingId")).isEqualTo(meeting.id());
    assertThat(body.getJsonObject("data").getJsonObject("frontMatter").getString("updated"))
        .isEqualTo("2030-04-02");
    assertThat(requests).extracting(Received::body).containsOnly(requests.get(0).body());

    assertThat(pending.getString("state")).isEqualTo("pending");
    JsonObject delivered = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(delivered.getString("state")).isEqualTo("delivered");
    assertThat(delivered.getInteger("attempts")).isEqualTo(5);
    assertThat(delivered.getString("deliveredAt")).isNotNull();
    assertThat(delivered.getString("location")).isEqualTo("127.0.0.1");
    assertThat(delivered.getString("lastError")).contains("429");

    var registry = node.node().registry();
    assertThat(
            registry.get("minutes_publish_deliveries").tag("target", "webhook").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("minutes_publish_retries").tag("target", "webhook").counter().count())
        .isEqualTo(4.0);
    assertThat(registry.find("minutes_publish_failures").counters()).isEmpty();
    assertThat(registry.scrape())
        .contains("minutes_publish_outbox_depth", "minutes_publish_oldest_pending_seconds");
  }

  @Test
  @DisplayName(
      "client errors and redirects are retried like any answer but a 2xx: 400, 401, 404, 410 and 302, then 200 delivers")
  void clientErrorsAreRetried() throws TimeoutException {
    receiver.script(
        Answer.status(400),
        Answer.status(401),
        Answer.status(404),
        Answer.status(410),
        Answer.status(302, "Location", "http://127.0.0.1:9/elsewhere"),
        Answer.status(200));
    node = startNode(PublishFixture.webhookSettings(receiver.url()));

    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-04-16"));
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    List<Received> requests = receiver.received();
    assertThat(requests).extracting(Received::status).containsExactly(400, 401, 404, 410, 302, 200);
    assertThat(requests).extracting(Received::webhookId).containsOnly(requests.get(0).webhookId());
    JsonObject delivered = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(delivered.getInteger("attempts")).isEqualTo(6);
    assertThat(delivered.getString("lastError")).contains("HTTP 302");
    assertThat(
            node.node()
                .registry()
                .get("minutes_publish_retries")
                .tag("target", "webhook")
                .counter()
                .count())
        .isEqualTo(5.0);
  }

  @Test
  @DisplayName("a receiver that never answers times the attempt out, and the next attempt delivers")
  void timeoutIsRetried() throws TimeoutException {
    receiver.script(Answer.never(), Answer.status(204));
    Map<String, String> settings = PublishFixture.webhookSettings(receiver.url());
    settings.put("MINUTES_WEBHOOK_TIMEOUT_MS", "300");
    node = startNode(settings);

    Meeting meeting = await(PublishFixture.createAndClose(node, "2030-04-09"));
    JsonObject retry = await(probe.outcome(meeting.id(), "webhook", "retry"));
    await(probe.outcome(meeting.id(), "webhook", "delivered"));

    assertThat(retry.getString("detail")).contains("timed out").doesNotContain("/hooks/minutes");
    assertThat(receiver.received()).hasSize(2);
    assertThat(receiver.received())
        .extracting(Received::webhookId)
        .containsOnly(receiver.received().get(0).webhookId());
    JsonObject state = await(PublishFixture.publishState(node, meeting, "webhook"));
    assertThat(state.getString("state")).isEqualTo("delivered");
    assertThat(state.getInteger("attempts")).isEqualTo(2);
    assertThat(state.getString("lastError")).contains("timed out");
  }

  private TestNode startNode(Map<String, String> settings) throws TimeoutException {
    return await(TestNode.start(vertx, RedisHarness.newPrefix(), settings));
  }
}
