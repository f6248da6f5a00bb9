package dev.minutes.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish meters, exported at /metrics. Counters count this node's work per target; the two gauges
 * describe the shared queue in Redis (every node reports the same value), refreshed on each worker
 * poll.
 */
final class PublishMetrics {
  private final MeterRegistry registry;
  private final AtomicLong depth = new AtomicLong();
  private final AtomicLong oldestPendingMillis = new AtomicLong();

  PublishMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("minutes_publish_outbox_depth", depth, AtomicLong::get)
        .description("publish jobs not yet delivered nor failed, across all nodes")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "minutes_publish_oldest_pending_seconds",
            oldestPendingMillis,
            value -> value.get() / 1000.0)
        .description("age of the oldest publish job not yet delivered nor failed")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  void delivered(String target) {
    counter("minutes_publish_deliveries", "publications delivered", target).increment();
  }

  void failed(String target) {
    counter("minutes_publish_failures", "publish jobs dead-lettered (failed for good)", target)
        .increment();
  }

  void retried(String target) {
    counter("minutes_publish_retries", "failed attempts scheduled for another try", target)
        .increment();
  }

  void queue(long pendingJobs, Optional<Instant> oldestEnqueued, Instant now) {
    depth.set(pendingJobs);
    oldestPendingMillis.set(
        oldestEnqueued.map(at -> Math.max(0, Duration.between(at, now).toMillis())).orElse(0L));
  }

  private Counter counter(String name, String description, String target) {
    return Counter.builder(name).description(description).tag("target", target).register(registry);
  }
}
