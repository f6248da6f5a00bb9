package dev.minutes.publish;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.publish.PublishSettings.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The retry policy")
class RetryPolicyTest {
  private static final RetrySchedule SCHEDULE =
      new RetrySchedule(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ofDays(3));
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  @DisplayName(
      "doubles its step per attempt from the initial delay and stops growing at the maximum")
  void exponentialSteps() {
    RetryPolicy policy = new RetryPolicy(SCHEDULE, () -> 1.0);
    assertThat(policy.step(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.step(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.step(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(policy.step(12)).isEqualTo(Duration.ofSeconds(2048));
    assertThat(policy.step(13)).isEqualTo(Duration.ofHours(1));
    assertThat(policy.step(500)).isEqualTo(Duration.ofHours(1));
  }

  @Test
  @DisplayName("jitters each wait within the upper half of its step")
  void jitterBounds() {
    assertThat(new RetryPolicy(SCHEDULE, () -> 0.0).backoff(4)).isEqualTo(Duration.ofSeconds(4));
    assertThat(new RetryPolicy(SCHEDULE, () -> 1.0).backoff(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(new RetryPolicy(SCHEDULE, () -> 0.5).backoff(4)).isEqualTo(Duration.ofSeconds(6));
    RetryPolicy random = RetryPolicy.of(SCHEDULE);
    for (int attempts = 1; attempts <= 20; attempts++) {
      Duration step = random.step(attempts);
      for (int i = 0; i < 50; i++) {
        assertThat(random.backoff(attempts)).isBetween(step.dividedBy(2), step);
      }
    }
  }

  @Test
  @DisplayName(
      "waits at least as long as the receiver's Retry-After, and no longer than its own back-off otherwise")
  void retryAfterIsALowerBound() {
    RetryPolicy policy = new RetryPolicy(SCHEDULE, () -> 1.0);
    assertThat(policy.nextAttempt(1, T0, T0, Optional.of(Duration.ofSeconds(30))))
        .contains(T0.plusSeconds(30));
    assertThat(policy.nextAttempt(6, T0, T0, Optional.of(Duration.ofSeconds(2))))
        .contains(T0.plusSeconds(32));
    assertThat(policy.nextAttempt(1, T0, T0, Optional.empty())).contains(T0.plusSeconds(1));
  }

  @Test
  @DisplayName("gives up when the next attempt would start after the give-up window")
  void givesUp() {
    RetryPolicy policy = new RetryPolicy(SCHEDULE, () -> 1.0);
    Instant late = T0.plus(Duration.ofDays(3)).minus(Duration.ofMinutes(30));
    assertThat(policy.nextAttempt(20, T0, late, Optional.empty())).isEmpty();
    assertThat(policy.nextAttempt(20, T0, T0.plus(Duration.ofDays(2)), Optional.empty()))
        .contains(T0.plus(Duration.ofDays(2)).plus(Duration.ofHours(1)));
    assertThat(policy.nextAttempt(1, T0, T0, Optional.of(Duration.ofDays(4)))).isEmpty();
  }

  @Test
  @DisplayName("reads Retry-After as seconds or as an HTTP date, and ignores anything else")
  void parsesRetryAfter() {
    String inNinetySeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(T0.plusSeconds(90), ZoneOffset.UTC));
    String inThePast =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.ofInstant(T0.minusSeconds(90), ZoneOffset.UTC));
    assertThat(RetryAfter.parse("120", T0)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", T0)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse(inNinetySeconds, T0)).contains(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse("Tue, 01 Jan 2030 00:01:30 GMT", T0))
        .contains(Duration.ofSeconds(90));
    assertThat(RetryAfter.parse(inThePast, T0)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("99999999999999", T0)).contains(RetryAfter.LONGEST);
    assertThat(RetryAfter.parse("-5", T0)).isEmpty();
    assertThat(RetryAfter.parse("soon", T0)).isEmpty();
    assertThat(RetryAfter.parse(null, T0)).isEmpty();
  }
}
