package dev.minutes.meeting;

import dev.minutes.sync.SessionPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs Automerge (JNI) work on the worker pool, never on an event loop, completing on the caller's
 * context.
 */
final class AutomergeWork {
  private final Vertx vertx;
  private final SessionPool pool;

  AutomergeWork(Vertx vertx, SessionPool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  <T> Future<T> run(Supplier<T> task) {
    return Future.fromCompletionStage(pool.run(task), vertx.getOrCreateContext());
  }
}
