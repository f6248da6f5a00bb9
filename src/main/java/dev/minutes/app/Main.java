package dev.minutes.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
    // epoll where Netty's native library loads (Linux x86_64/aarch64): fewer syscalls per frame than NIO.
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    if (vertx.isNativeTransportEnabled()) {
      log.info("network transport: epoll");
    } else {
      log.info("network transport: NIO (epoll unavailable: {})", vertx.unavailableNativeTransportCause().toString());
    }
    AtomicReference<MinutesNode> node = new AtomicReference<>();
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        log.info("shutting down");
        stopNode(node.get());
        // Closed from this thread, not chained on the node's future: that future completes on an event loop,
        // and Vert.x's close completes after the event loops are gone (the completion would be rejected).
        try {
          vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          log.error("Vert.x did not close cleanly", e);
        }
      }
    };
    // Before starting: a SIGTERM that comes while the node starts (an orchestrator giving up) still stops cleanly.
    exitOn("TERM", stop);
    exitOn("INT", stop);
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "minutes-shutdown-hook"));
    try {
      node.set(MinutesNode.start(vertx, config).await(2, TimeUnit.MINUTES));
    } catch (Exception e) {
      if (stopping.get()) {
        return; // stopped while starting; the signal's thread exits
      }
      log.error("minutes failed to start: {}", e.getMessage(), e);
      vertx.close();
      System.exit(1);
    }
  }

  private static void stopNode(MinutesNode node) {
    if (node == null) {
      return; // still starting: closing Vert.x below ends what it started
    }
    try {
      node.stop().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.error("the node did not stop cleanly", e);
    }
  }

  private static void exitOn(String signal, Runnable stop) {
    Signal.handle(new Signal(signal), received -> new Thread(() -> {
      stop.run();
      System.exit(0);
    }, "minutes-shutdown").start());
  }
}
