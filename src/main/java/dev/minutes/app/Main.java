package dev.minutes.app;

import dev.minutes.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Entry point: {@code java -jar target/minutes.jar}, configured from the environment. SIGTERM and
 * SIGINT stop the node gracefully and exit 0 (the JVM's default for SIGTERM would be 143).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    MinutesConfig config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (ConfigLoader.ConfigException e) {
      System.err.println("minutes: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    // epoll where Netty's native library loads (Linux x86_64/aarch64): fewer syscalls per frame
    // than NIO.
    // A blocked event loop is a bug here (every Automerge and Redis call runs elsewhere), so its
    // warning carries the blocked thread's stack at once rather than only after five seconds.
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    Vertx vertx =
        Vertx.vertx(
            options
                .setWarningExceptionTime(options.getMaxEventLoopExecuteTime())
                .setWarningExceptionTimeUnit(options.getMaxEventLoopExecuteTimeUnit()));
    if (vertx.isNativeTransportEnabled()) {
      log.info("network transport: epoll");
    } else {
      // No cause where Vert.x knows no native transport for the OS at all (Windows; macOS without
      // kqueue).
      log.info(
          "network transport: NIO ({})",
          Optional.ofNullable(vertx.unavailableNativeTransportCause())
              .map(cause -> "epoll unavailable: " + cause)
              .orElse("no native transport for this system"));
    }
    Promise<MinutesNode> starting = Promise.promise();
    GracefulStop stop = new GracefulStop(vertx, starting.future());
    // Before starting: a SIGTERM that comes while the node starts (an orchestrator giving up) stops
    // it cleanly too.
    exitOn("TERM", stop);
    exitOn("INT", stop);
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "minutes-shutdown-hook"));
    MinutesNode.start(vertx, config).onComplete(starting);
    try {
      starting.future().await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      if (stop.begun()) {
        return; // stopping already; the signal's thread exits
      }
      if (e instanceof StoreException || e instanceof MinutesNode.CannotListen) {
        // The message names what failed and what to set; sixty lines of stack would bury it.
        log.error("minutes failed to start: {}", e.getMessage());
        log.debug("the start failure's stack", e);
      } else {
        log.error("minutes failed to start: {}", e.getMessage(), e);
      }
      vertx.close();
      System.exit(1);
    }
  }

  private static void exitOn(String signal, Runnable stop) {
    Signal.handle(
        new Signal(signal),
        received ->
            new Thread(
                    () -> {
                      stop.run();
                      System.exit(0);
                    },
                    "minutes-shutdown")
                .start());
  }

  /**
   * Stops the node once, whoever asks first (a signal, the shutdown hook), within one time limit;
   * later callers wait for that stop instead of exiting under it (a second Ctrl-C).
   */
  private static final class GracefulStop implements Runnable {
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long CLOSE_AT_LEAST_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Vertx vertx;
    private final Future<MinutesNode> node;
    private final AtomicBoolean begun = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    GracefulStop(Vertx vertx, Future<MinutesNode> node) {
      this.vertx = vertx;
      this.node = node;
    }

    boolean begun() {
      return begun.get();
    }

    @Override
    public void run() {
      if (!begun.compareAndSet(false, true)) {
        awaitFirstStop();
        return;
      }
      try {
        log.info("shutting down");
        long deadline = System.nanoTime() + LIMIT_NANOS;
        try {
          // A node still starting is waited for, so that it stops like a started one.
          node.await(left(deadline), TimeUnit.NANOSECONDS)
              .stop()
              .await(left(deadline), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          if (node.failed()) {
            // The start failed and said why; there is no node to stop.
            log.debug("no node to stop: its start failed");
          } else {
            log.error("the node did not stop cleanly: {}", e.toString());
          }
        }
        // Closed from this thread, not chained on the node's future: that future completes on an
        // event loop,
        // and Vert.x's close completes after the event loops are gone (the completion would be
        // rejected).
        try {
          vertx.close().await(Math.max(left(deadline), CLOSE_AT_LEAST_NANOS), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
          log.error("Vert.x did not close cleanly: {}", e.toString());
        }
      } finally {
        done.countDown();
      }
    }

    private void awaitFirstStop() {
      try {
        done.await(LIMIT_NANOS + CLOSE_AT_LEAST_NANOS, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static long left(long deadline) {
      return Math.max(1, deadline - System.nanoTime());
    }
  }
}
