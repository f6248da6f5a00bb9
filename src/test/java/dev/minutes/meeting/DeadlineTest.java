package dev.minutes.meeting;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("an outcome within the wait is the answer, a value or a failure")
  void withinTheWait() throws Exception {
    Promise<String> value = Promise.promise();
    Future<String> answered =
        Deadline.orElse(vertx, value.future(), Duration.ofMinutes(1), "earlier");
    value.complete("now");
    assertThat(result(answered)).isEqualTo("now");

    Promise<String> failing = Promise.promise();
    Future<String> failed =
        Deadline.orElse(vertx, failing.future(), Duration.ofMinutes(1), "earlier");
    failing.fail(new IllegalStateException("cannot load"));
    assertThat(failed.toCompletionStage().toCompletableFuture())
        .failsWithin(10, TimeUnit.SECONDS)
        .withThrowableThat()
        .withMessageContaining("cannot load");
  }

  @Test
  @DisplayName("past the wait the fallback is the answer, and a later outcome changes nothing")
  void pastTheWait() throws Exception {
    Promise<String> slow = Promise.promise();
    Future<String> answered =
        Deadline.orElse(vertx, slow.future(), Duration.ofMillis(20), "earlier");
    assertThat(result(answered)).isEqualTo("earlier");
    slow.complete("now");
    assertThat(answered.result()).isEqualTo("earlier");
  }

  @Test
  @DisplayName("a zero wait answers the fallback at once")
  void zeroWait() {
    Promise<String> never = Promise.promise();
    Future<String> answered = Deadline.orElse(vertx, never.future(), Duration.ZERO, "earlier");
    assertThat(answered.succeeded()).isTrue();
    assertThat(answered.result()).isEqualTo("earlier");
  }

  private static String result(Future<String> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
