package dev.minutes.support;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a future from the test thread, bounded so that a hang fails the test instead of the
 * build. The bound is generous (CI machines have two cores); it is never what a test asserts.
 */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(90);

  private Await() {}

  public static <T> T await(Future<T> future) throws TimeoutException {
    return await(future, DEFAULT);
  }

  public static <T> T await(Future<T> future, Duration atMost) throws TimeoutException {
    return future.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Checks {@code condition} until it holds, for things that announce no event (a gauge, a file):
   * polls every 50 ms, gives up after {@link #DEFAULT} naming {@code what} was awaited. An
   * exception from the condition fails at once.
   */
  public static void until(String what, Callable<Boolean> condition) throws TimeoutException {
    long deadline = System.nanoTime() + DEFAULT.toNanos();
    while (!check(condition)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("still not true after " + DEFAULT.toSeconds() + " s: " + what);
      }
      pause();
    }
  }

  private static void pause() {
    try {
      TimeUnit.MILLISECONDS.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  private static boolean check(Callable<Boolean> condition) {
    try {
      return condition.call();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("the awaited condition failed", e);
    }
  }
}
