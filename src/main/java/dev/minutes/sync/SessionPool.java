package dev.minutes.sync;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded worker pool on which every Automerge (JNI) call runs, never on an event loop. Each
 * document serialises its own work on it through a {@link SerialLane}.
 */
public final class SessionPool implements AutoCloseable {
  private final ExecutorService executor;

  public SessionPool(int threads) {
    AtomicInteger counter = new AtomicInteger();
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, "automerge-" + counter.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    this.executor = Executors.newFixedThreadPool(threads, factory);
  }

  ExecutorService executor() {
    return executor;
  }

  /**
   * Runs one task on the pool outside any document lane (e.g. building a new meeting's document).
   */
  public <T> java.util.concurrent.CompletableFuture<T> run(java.util.function.Supplier<T> task) {
    return java.util.concurrent.CompletableFuture.supplyAsync(task, executor);
  }

  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
  }
}
