package dev.minutes.meeting;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;

/** A future's outcome if it comes within a wait, else something to answer meanwhile. */
final class Deadline {
  private Deadline() {}

  /**
   * {@code future}'s outcome (its value or its failure) if it completes within {@code wait}, else
   * {@code fallback}; {@code future} goes on either way. A zero wait answers {@code fallback} at
   * once.
   */
  static <T> Future<T> orElse(Vertx vertx, Future<T> future, Duration wait, T fallback) {
    if (wait.isZero()) {
      return Future.succeededFuture(fallback);
    }
    Promise<T> answer = Promise.promise();
    long timer = vertx.setTimer(wait.toMillis(), t -> answer.tryComplete(fallback));
    future.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          if (result.succeeded()) {
            answer.tryComplete(result.result());
          } else {
            answer.tryFail(result.cause());
          }
        });
    return answer.future();
  }
}
