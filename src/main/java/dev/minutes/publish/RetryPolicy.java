package dev.minutes.publish;

import dev.minutes.publish.PublishSettings.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed delivery again: exponential back-off from {@code initial}, doubling per
 * attempt up to {@code max}, with "equal jitter" (a delay is uniformly drawn from the upper half of
 * its step, so nodes retrying together spread out yet every wait still grows). A receiver's {@code
 * Retry-After} is a lower bound: the wait is the larger of the two. A job is given up
 * (dead-lettered) when its next attempt would start more than {@code giveUpAfter} after its first
 * attempt.
 *
 * <p>The random source is injected so tests can pin the jitter.
 */
public final class RetryPolicy {
  private final Duration initial;
  private final Duration max;
  private final Duration giveUpAfter;
  private final DoubleSupplier random;

  public RetryPolicy(RetrySchedule schedule, DoubleSupplier random) {
    this.initial = schedule.initial();
    this.max =
        schedule.max().compareTo(schedule.initial()) < 0 ? schedule.initial() : schedule.max();
    this.giveUpAfter = schedule.giveUpAfter();
    this.random = random;
  }

  /** The policy of a schedule with real randomness. */
  public static RetryPolicy of(RetrySchedule schedule) {
    return new RetryPolicy(schedule, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * The back-off step after {@code attempts} failed attempts (1 = after the first), before jitter.
   */
  public Duration step(int attempts) {
    int doublings = Math.max(0, attempts - 1);
    // Past 62 doublings the product overflows; any cap in practice is reached long before.
    if (doublings >= 62 || initial.toMillis() > (max.toMillis() >> doublings)) {
      return max;
    }
    return Duration.ofMillis(initial.toMillis() << doublings);
  }

  /** The jittered wait after {@code attempts} failed attempts: within [step/2, step]. */
  public Duration backoff(int attempts) {
    long step = step(attempts).toMillis();
    long half = step / 2;
    double draw = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
    return Duration.ofMillis(step - half + Math.round(draw * half));
  }

  /**
   * When to attempt again after {@code attempts} failed attempts, the first at {@code
   * firstAttempt}; empty when the job should be given up.
   */
  public Optional<Instant> nextAttempt(
      int attempts, Instant firstAttempt, Instant now, Optional<Duration> retryAfter) {
    Duration wait = backoff(attempts);
    if (retryAfter.isPresent() && retryAfter.get().compareTo(wait) > 0) {
      wait = retryAfter.get();
    }
    Instant next = now.plus(wait);
    if (next.isAfter(firstAttempt.plus(giveUpAfter))) {
      return Optional.empty();
    }
    return Optional.of(next);
  }

  public Duration giveUpAfter() {
    return giveUpAfter;
  }
}
