package dev.minutes.publish;

import java.time.Duration;
import java.util.Optional;

/**
 * What one delivery attempt came to.
 *
 * @param kind how to go on
 * @param detail what happened, for {@code lastError} and logs (never a secret)
 * @param retryAfter the receiver's {@code Retry-After}, when it sent one
 */
public record DeliveryResult(Kind kind, String detail, Optional<Duration> retryAfter) {

  /** How the worker goes on after an attempt. */
  public enum Kind {
    /** Done: the target has the publication. */
    DELIVERED,
    /** Try again later: every webhook answer but a 2xx, timeouts, connection and I/O errors. */
    RETRYABLE,
    /** Retrying cannot help (a file name that would leave the folder): dead-letter now. */
    PERMANENT
  }

  public static DeliveryResult delivered(String detail) {
    return new DeliveryResult(Kind.DELIVERED, detail, Optional.empty());
  }

  public static DeliveryResult retryable(String detail) {
    return new DeliveryResult(Kind.RETRYABLE, detail, Optional.empty());
  }

  public static DeliveryResult retryable(String detail, Optional<Duration> retryAfter) {
    return new DeliveryResult(Kind.RETRYABLE, detail, retryAfter);
  }

  public static DeliveryResult permanent(String detail) {
    return new DeliveryResult(Kind.PERMANENT, detail, Optional.empty());
  }
}
