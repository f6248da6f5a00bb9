package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;

/**
 * The one bridge from Redisson's futures to Vert.x futures. Completions hop back onto the caller's
 * context, so callers never run on Redisson's threads, and outages become {@link
 * StoreException.Reason#UNAVAILABLE}.
 */
final class RedisFutures {

  private RedisFutures() {}

  static <T> Future<T> toVertx(CompletionStage<T> stage, Context context, String operation) {
    return Future.fromCompletionStage(stage, context)
        .recover(failure -> Future.failedFuture(translate(failure, operation)));
  }

  /**
   * Outages and overload of Redis map to UNAVAILABLE so callers can answer "try again later".
   * Anything else (for example a Lua error) is a bug and propagates unchanged.
   */
  static Throwable translate(Throwable failure, String operation) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (isUnavailable(cause)) {
      return new StoreException(
          StoreException.Reason.UNAVAILABLE,
          "Redis unavailable during " + operation + ": " + cause.getMessage(),
          cause);
    }
    return cause;
  }

  private static boolean isUnavailable(Throwable cause) {
    return cause instanceof RedisConnectionException
        || cause instanceof RedisTimeoutException
        || cause instanceof RedisRetryException // loading, busy, master or cluster down
        || cause instanceof RedisNodeNotFoundException
        || cause instanceof RedisReconnectedException
        || cause instanceof RedisReadonlyException
        || cause instanceof RedisOutOfMemoryException
        || cause instanceof RedissonShutdownException
        || cause instanceof java.io.IOException;
  }
}
