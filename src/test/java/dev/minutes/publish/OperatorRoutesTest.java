package dev.minutes.publish;

import static dev.minutes.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.PublishFixture;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The operator routes stay shut without the operator token")
class OperatorRoutesTest {
  private Vertx vertx;
  private TestNode withToken;
  private TestNode withoutToken;

  @BeforeEach
  void start() throws TimeoutException {
    vertx = Vertx.vertx();
    withToken =
        await(
            TestNode.start(
                vertx,
                RedisHarness.newPrefix(),
                Map.of(
                    "MINUTES_OPERATOR_TOKEN",
                    PublishFixture.OPERATOR_TOKEN,
                    "MINUTES_PUBLISH_FOLDER",
                    "off")));
    withoutToken =
        await(
            TestNode.start(
                vertx, RedisHarness.newPrefix(), Map.of("MINUTES_PUBLISH_FOLDER", "off")));
  }

  @AfterEach
  void stop() throws TimeoutException {
    await(withToken.stopAndClean());
    await(withoutToken.stopAndClean());
    await(vertx.close());
  }

  @Test
  @DisplayName("with no operator token configured, both routes answer 403 even to a bearer")
  void disabledWithoutToken() throws TimeoutException {
    HttpResponse<Buffer> list =
        await(withoutToken.get("/api/operator/publish/failed", PublishFixture.OPERATOR_TOKEN));
    HttpResponse<Buffer> retry =
        await(
            withoutToken.post(
                "/api/operator/publish/x/retry", PublishFixture.OPERATOR_TOKEN, null));
    assertThat(list.statusCode()).isEqualTo(403);
    assertThat(list.bodyAsJsonObject().getString("error")).isEqualTo("operator_disabled");
    assertThat(retry.statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName(
      "a missing or wrong operator token is 401; the right one lists the (empty) dead letters")
  void tokenIsChecked() throws TimeoutException {
    assertThat(await(withToken.get("/api/operator/publish/failed", null)).statusCode())
        .isEqualTo(401);
    assertThat(await(withToken.get("/api/operator/publish/failed", "wrong")).statusCode())
        .isEqualTo(401);
    assertThat(await(withToken.post("/api/operator/publish/x/retry", "wrong", null)).statusCode())
        .isEqualTo(401);
    HttpResponse<Buffer> ok =
        await(withToken.get("/api/operator/publish/failed", PublishFixture.OPERATOR_TOKEN));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getJsonArray("failed")).isEmpty();
  }
}
