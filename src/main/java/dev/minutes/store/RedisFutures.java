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

  /** How deep a failure's causes are searched for an outage. */
  private static final int MAX_CAUSES = 8;

  /** How much of an outage's message a log line or an error keeps. */
  private static final int MAX_MESSAGE_CHARS = 160;

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
    Throwable outage = outageIn(cause);
    if (outage != null) {
      return new StoreException(
          StoreException.Reason.UNAVAILABLE,
          "Redis unavailable during " + operation + ": " + brief(outage),
          cause);
    }
    return cause;
  }

  /**
   * The outage somewhere in {@code failure}'s causes, or null. Redisson wraps a refused connection
   * in a plain {@code RedisException} ("Unexpected exception while processing command") whose cause
   * is the {@code ConnectException}: the top alone does not tell.
   */
  private static Throwable outageIn(Throwable failure) {
    Throwable cause = failure;
    for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++) {
      if (isUnavailable(cause)) {
        return cause;
      }
      cause = cause.getCause() == cause ? null : cause.getCause();
    }
    return null;
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

  /**
   * One short line for logs and errors: Redisson's messages carry the whole command, a Lua script's
   * source included, and advice about CPU and Netty threads that is wrong when Redis is simply
   * down.
   */
  static String brief(Throwable outage) {
    String message = String.valueOf(outage.getMessage());
    int lineEnd = message.indexOf('\n');
    String line = (lineEnd >= 0 ? message.substring(0, lineEnd) : message).strip();
    String shown =
        line.length() > MAX_MESSAGE_CHARS ? line.substring(0, MAX_MESSAGE_CHARS) + "…" : line;
    return outage.getClass().getSimpleName() + ": " + shown;
  }
}
