package dev.minutes.publish;

import dev.minutes.store.PublishOutbox;
import dev.minutes.store.PublishOutbox.Outcome;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers publish jobs. One per node, deployed by {@link PublishModule#start()}; all its state
 * lives on its own context.
 *
 * <p>Each tick (every {@link #POLL}, sooner when a retry falls due or someone {@link #wake()}s it):
 * turn new outbox entries into jobs, claim the jobs that are due (each for a lease, during which no
 * other node takes it), and start one attempt per claimed job without waiting for it. An attempt
 * records its outcome: delivered, scheduled again at the retry policy's time (the job's due time in
 * Redis, so any node may make the next attempt and a restart loses nothing), or failed for good
 * (dead letters). Nothing waits on a timer thread: waits are Redis due times plus one Vert.x timer
 * aimed at the earliest of them.
 *
 * <p>The lease outlasts an attempt's hard bound (the target's timeouts), so a job is attempted by
 * one node at a time; if a node dies mid-attempt, the job falls due when its lease expires. Should
 * a node still outlive its lease, the store discards its outcome (fencing by claim counter). What
 * cannot be excluded is a second delivery after a crash between a receiver's 2xx and the record of
 * it; the stable {@code webhook-id} lets receivers drop that duplicate, and the folder target
 * rewrites identical bytes.
 */
final class DeliveryWorker extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

  /** How often an idle node looks for new or due jobs (other nodes' closes and retries). */
  static final Duration POLL = Duration.ofMillis(250);

  /** Attempts one node runs at once. */
  static final int MAX_IN_FLIGHT = 16;

  /** Outbox entries turned into jobs per tick. */
  private static final int INGEST_BATCH = 100;

  private final PublishOutbox outbox;
  private final Map<String, PublishTarget> targets;
  private final RetryPolicy policy;
  private final Clock clock;
  private final PublishMetrics metrics;
  private final String owner;
  private final Duration lease;

  private boolean running;
  private boolean ticking;

  /** The poll in progress, if any: a stop waits for it, since it may just have claimed jobs. */
  private Future<Void> currentTick = Future.succeededFuture();

  private boolean saturated;

  /** True while polls fail (Redis away): logged once when it starts and once when it ends. */
  private boolean pollFailing;

  private long timerId = -1;
  private Instant timerAt = Instant.MAX;
  private final Set<Future<Void>> inFlight = new HashSet<>();

  DeliveryWorker(
      PublishOutbox outbox,
      Map<String, PublishTarget> targets,
      RetryPolicy policy,
      Clock clock,
      PublishMetrics metrics,
      String owner,
      Duration lease) {
    this.outbox = outbox;
    this.targets = Map.copyOf(targets);
    this.policy = policy;
    this.clock = clock;
    this.metrics = metrics;
    this.owner = owner;
    this.lease = lease;
  }

  /**
   * Creates the outbox's consumer group once (polls then only read), then starts polling. A Redis
   * that cannot be reached now does not stop the start: the first poll creates the group then.
   */
  @Override
  public Future<?> start() {
    running = true;
    return outbox
        .prepare()
        .onFailure(
            failure ->
                log.warn("publish worker cannot prepare the outbox yet: {}", failure.getMessage()))
        .otherwiseEmpty()
        .onComplete(ar -> wakeAt(clock.instant()));
  }

  /**
   * Stops polling, lets a poll in progress start the attempts it claimed (a claimed job left alone
   * would wait for its lease to expire), and waits until every attempt in flight (each bounded by
   * its target's timeouts) is recorded.
   */
  @Override
  public Future<?> stop() {
    running = false;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    return currentTick.transform(ar -> Future.join(new ArrayList<>(inFlight)));
  }

  /** Look for work now (e.g. after an operator re-queued a job). Safe from any thread. */
  void wake() {
    if (context != null) {
      context.runOnContext(v -> wakeAt(clock.instant()));
    }
  }

  private void wakeAt(Instant at) {
    if (!running || (timerId >= 0 && !timerAt.isAfter(at))) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    long delay = Math.max(1, Duration.between(clock.instant(), at).toMillis());
    timerAt = at;
    timerId =
        vertx.setTimer(
            delay,
            id -> {
              timerId = -1;
              timerAt = Instant.MAX;
              tick();
            });
  }

  private void tick() {
    if (!running || ticking) {
      return;
    }
    ticking = true;
    Instant now = clock.instant();
    int room = MAX_IN_FLIGHT - inFlight.size();
    currentTick =
        outbox
            .ingest(now, INGEST_BATCH)
            .compose(created -> outbox.claimDue(now, now.plus(lease), room, owner))
            .onSuccess(
                claim -> {
                  metrics.queue(claim.depth(), claim.oldestEnqueued(), now);
                  claim.jobs().forEach(this::attempt);
                  saturated = inFlight.size() >= MAX_IN_FLIGHT;
                })
            .onSuccess(
                claim -> {
                  if (pollFailing) {
                    pollFailing = false;
                    log.info("publish worker reaches Redis again");
                  }
                })
            .onFailure(
                failure -> {
                  if (!pollFailing) {
                    pollFailing = true;
                    log.warn(
                        "publish worker cannot poll Redis; retrying every {} ms: {}",
                        POLL.toMillis(),
                        failure.getMessage());
                  }
                })
            .onComplete(
                ar -> {
                  ticking = false;
                  Instant next = now.plus(POLL);
                  Optional<Instant> due = ar.succeeded() ? ar.result().nextDue() : Optional.empty();
                  if (!saturated && due.isPresent() && due.get().isBefore(next)) {
                    next = due.get();
                  }
                  wakeAt(next);
                })
            .<Void>mapEmpty()
            .otherwiseEmpty();
  }

  private void attempt(Map<String, String> record) {
    Future<Void> attempt =
        run(record)
            .recover(
                failure -> {
                  // Typically Redis went away while recording: the lease expires and the job is
                  // attempted again.
                  log.error(
                      "publish job {}: attempt could not be recorded", record.get("id"), failure);
                  return Future.succeededFuture();
                });
    inFlight.add(attempt);
    attempt.onComplete(
        ar -> {
          inFlight.remove(attempt);
          if (saturated) {
            saturated = false;
            wakeAt(clock.instant());
          }
        });
  }

  private Future<Void> run(Map<String, String> record) {
    Instant started = clock.instant();
    Attempt attempt =
        new Attempt(
            record.get("id"),
            record.get("meetingId"),
            record.get("target"),
            record.get("claim"),
            Integer.parseInt(record.getOrDefault("attempts", "0")),
            Optional.ofNullable(record.get("firstAttemptAt"))
                .map(ms -> Instant.ofEpochMilli(Long.parseLong(ms)))
                .orElse(started));
    PublishTarget target = targets.get(attempt.target());
    if (target == null) {
      // Nodes may differ (a folder on one node only): another node that has it may claim it next.
      return settle(
          attempt,
          DeliveryResult.retryable(
              "target '" + attempt.target() + "' is not configured on this node"));
    }
    PublishJob job;
    try {
      job = PublishJob.decode(record.get("payload"));
    } catch (IllegalArgumentException e) {
      return fail(attempt, attempt.previous(), "malformed job: " + e.getMessage());
    }
    Future<DeliveryResult> delivery;
    try {
      delivery = target.deliver(job);
    } catch (RuntimeException e) {
      delivery = Future.failedFuture(e);
    }
    return delivery
        .otherwise(failure -> DeliveryResult.retryable("delivery failed: " + failure))
        .compose(result -> settle(attempt, result));
  }

  private Future<Void> settle(Attempt attempt, DeliveryResult result) {
    int attempts = attempt.previous() + 1;
    Instant now = clock.instant();
    switch (result.kind()) {
      case DELIVERED -> {
        metrics.delivered(attempt.target());
        log.info(
            "publish job {} delivered to {} after {} attempt(s): {}",
            attempt.jobId(),
            attempt.target(),
            attempts,
            result.detail());
        return record(
            attempt, Outcome.delivered(now, attempts, attempt.firstAttempt()), result.detail());
      }
      case PERMANENT -> {
        return fail(attempt, attempts, result.detail());
      }
      default -> {
        Optional<Instant> next =
            policy.nextAttempt(attempts, attempt.firstAttempt(), now, result.retryAfter());
        if (next.isEmpty()) {
          return fail(
              attempt,
              attempts,
              "gave up after "
                  + attempts
                  + " attempts over "
                  + Duration.between(attempt.firstAttempt(), now).toSeconds()
                  + " s; last: "
                  + result.detail());
        }
        metrics.retried(attempt.target());
        log.info(
            "publish job {} to {}: attempt {} failed ({}); next attempt at {}",
            attempt.jobId(),
            attempt.target(),
            attempts,
            result.detail(),
            next.get());
        return record(
                attempt,
                Outcome.retry(now, attempts, result.detail(), next.get(), attempt.firstAttempt()),
                result.detail())
            .onSuccess(v -> wakeAt(next.get()));
      }
    }
  }

  private Future<Void> fail(Attempt attempt, int attempts, String reason) {
    metrics.failed(attempt.target());
    log.warn(
        "publish job {} to {} failed for good after {} attempt(s): {}",
        attempt.jobId(),
        attempt.target(),
        attempts,
        reason);
    return record(
        attempt, Outcome.failed(clock.instant(), attempts, reason, attempt.firstAttempt()), reason);
  }

  private Future<Void> record(Attempt attempt, Outcome outcome, String detail) {
    return outbox
        .finish(attempt.jobId(), attempt.claim(), outcome)
        .map(
            recorded -> {
              if (!recorded) {
                log.warn(
                    "publish job {}: lease lost before the outcome was recorded; another node holds the job",
                    attempt.jobId());
                return null;
              }
              vertx
                  .eventBus()
                  .publish(
                      PublishEvents.ADDRESS,
                      new JsonObject()
                          .put("jobId", attempt.jobId())
                          .put("meetingId", attempt.meetingId())
                          .put("target", attempt.target())
                          .put("outcome", outcome.kind())
                          .put("attempts", outcome.attempts())
                          .put("detail", detail));
              return null;
            });
  }

  /**
   * One claimed job as this worker sees it: {@code previous} attempts were made before this one.
   */
  private record Attempt(
      String jobId,
      String meetingId,
      String target,
      String claim,
      int previous,
      Instant firstAttempt) {}
}
