package dev.minutes.sync;

/**
 * A token bucket per connection: refills {@code perSecond} tokens a second up to a burst of twice
 * that. Confined to the connection's event loop; time comes from the caller (nanoseconds).
 */
final class MessageRate {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  MessageRate(int perSecond, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = 2.0 * perSecond;
    this.tokens = burst;
    this.last = nowNanos;
  }

  /** Takes one token; false when the connection exceeds its rate. */
  boolean tryAcquire(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
    last = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
