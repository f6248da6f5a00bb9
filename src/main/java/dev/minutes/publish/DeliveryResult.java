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
    /** Try again later: timeouts, connection errors, 5xx, 408, 429, I/O errors. */
    RETRYABLE,
    /** Retrying cannot help (4xx other than 408/410/429, redirects): dead-letter now. */
    PERMANENT,
    /** The receiver said 410 Gone: dead-letter and disable the target. */
    GONE
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

  public static DeliveryResult gone(String detail) {
    return new DeliveryResult(Kind.GONE, detail, Optional.empty());
  }
}
