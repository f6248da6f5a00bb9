package dev.minutes.meeting;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks for closes that were asked for and left half-done, and finishes them: a node killed in the
 * middle of a close leaves a meeting that refuses edits and whose pages wait for final minutes that
 * nobody publishes, until someone asks to close it again (and the chair's page no longer offers
 * to). Every node looks when it starts and then every {@link #INTERVAL}; the close lease lets one
 * of them finish each close, once the lease of the node that stopped has expired.
 *
 * <p>A close that fails again (Redis gone, a publish folder that cannot be listed) is tried again
 * later, each time twice as late, up to {@link #LONGEST_WAIT}, so that a lasting fault is not
 * logged every few seconds.
 */
final class UnfinishedCloses {
  private static final Logger log = LoggerFactory.getLogger(UnfinishedCloses.class);
  static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

  private final Vertx vertx;
  private final MeetingCloser closer;
  private final Clock clock;

  /** Meetings whose finishing failed: how often, and not before when to try again. */
  private final Map<String, Retry> retries = new HashMap<>();

  private long timer = -1;
  private Future<Integer> current = Future.succeededFuture(0);

  private record Retry(int failures, Instant notBefore) {}

  UnfinishedCloses(Vertx vertx, MeetingCloser closer, Clock clock) {
    this.vertx = vertx;
    this.closer = closer;
    this.clock = clock;
  }

  /** Looks now, then every {@link #INTERVAL}. Call on the node's event loop. */
  void start() {
    look();
    timer = vertx.setPeriodic(INTERVAL.toMillis(), id -> look());
  }

  /** Stops looking; a close being finished goes on to its end (bounded by the close's lease). */
  Future<Integer> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return current;
  }

  private void look() {
    if (current.isComplete()) {
      current = finishAll();
    }
  }

  /** One look: finishes each unfinished close this node may take now; the number finished. */
  Future<Integer> finishAll() {
    return closer
        .unfinished()
        .compose(
            ids -> {
              Future<Integer> finished = Future.succeededFuture(0);
              for (String id : ids) {
                finished = finished.compose(count -> finishOne(id).map(done -> count + done));
              }
              return finished;
            })
        .recover(
            failure -> {
              log.debug("cannot look for unfinished closes now: {}", failure.getMessage());
              return Future.succeededFuture(0);
            });
  }

  private Future<Integer> finishOne(String meetingId) {
    Retry retry = retries.get(meetingId);
    if (retry != null && clock.instant().isBefore(retry.notBefore())) {
      return Future.succeededFuture(0);
    }
    return closer
        .finishUnfinished(meetingId)
        .map(
            finished -> {
              retries.remove(meetingId);
              if (finished) {
                log.info("meeting {}: the unfinished close is finished", meetingId);
              }
              return finished ? 1 : 0;
            })
        .recover(failure -> Future.succeededFuture(failedAgain(meetingId, failure)));
  }

  private int failedAgain(String meetingId, Throwable failure) {
    int failures = retries.containsKey(meetingId) ? retries.get(meetingId).failures() + 1 : 1;
    Duration wait = INTERVAL.multipliedBy(1L << Math.min(failures, 6));
    if (wait.compareTo(LONGEST_WAIT) > 0) {
      wait = LONGEST_WAIT;
    }
    retries.put(meetingId, new Retry(failures, clock.instant().plus(wait)));
    log.warn(
        "meeting {}: cannot finish its unfinished close ({}); trying again in {} s",
        meetingId,
        failure.getMessage(),
        wait.toSeconds());
    return 0;
  }
}
