package dev.minutes.sync;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Runs one document's Automerge work one task at a time, in submission order, on a shared worker
 * pool, so that different documents still run in parallel (in the spirit of automerge-java's
 * SerializingExecutor). Vert.x's ordered executeBlocking orders per context, not per document, so
 * it would queue every document of a context behind each other. Results come back on the owning
 * session's context.
 */
final class SerialLane {
  private final Executor pool;
  private final Context context;
  private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

  SerialLane(Executor pool, Context context) {
    this.pool = pool;
    this.context = context;
  }

  <T> Future<T> submit(Callable<T> task) {
    CompletableFuture<T> next;
    synchronized (this) {
      next = tail.handle((ignored, failure) -> null).thenApplyAsync(ignored -> call(task), pool);
      tail = next;
    }
    return Future.fromCompletionStage(next, context).recover(SerialLane::unwrap);
  }

  private static <T> T call(Callable<T> task) {
    try {
      return task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private static <T> Future<T> unwrap(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    return Future.failedFuture(cause);
  }
}
