package dev.minutes.store;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the calling thread. Given to Redisson as its executor, it delivers pub/sub
 * messages on the Redis I/O thread that read them instead of waking another of Redisson's threads
 * per message: every listener here only parses a short payload and hands it to a Vert.x context.
 * Redisson also runs its remote-service, executor-service and pattern-erase tasks on this executor;
 * the store uses none of them.
 */
final class InlineExecutor extends AbstractExecutorService {

  private volatile boolean shutdown;

  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("Redis connection closed");
    }
    task.run();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }
}
