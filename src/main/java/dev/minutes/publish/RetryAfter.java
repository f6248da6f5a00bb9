package dev.minutes.publish;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** Parses an HTTP {@code Retry-After} value: delay seconds or an HTTP date (RFC 9110 §10.2.3). */
public final class RetryAfter {
  /** A receiver cannot push a retry further out than this, whatever it says. */
  static final Duration LONGEST = Duration.ofDays(30);

  private RetryAfter() {}

  /**
   * The wait the receiver asked for, counted from {@code now}; a date in the past means no wait.
   * Empty when the header is absent or malformed (then the normal back-off applies).
   */
  public static Optional<Duration> parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String text = value.strip();
    if (text.chars().allMatch(Character::isDigit)) {
      if (text.length() > 10) {
        return Optional.of(LONGEST);
      }
      return Optional.of(min(Duration.ofSeconds(Long.parseLong(text)), LONGEST));
    }
    try {
      Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : min(wait, LONGEST));
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
