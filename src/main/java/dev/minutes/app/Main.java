package dev.minutes.app;

import io.vertx.core.Vertx;
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
    Vertx vertx = Vertx.vertx();
    MinutesNode node;
    try {
      node = MinutesNode.start(vertx, config).await(2, TimeUnit.MINUTES);
    } catch (Exception e) {
      log.error("minutes failed to start: {}", e.getMessage(), e);
      vertx.close();
      System.exit(1);
      return;
    }
    AtomicBoolean stopping = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        log.info("shutting down");
        try {
          node.stop().eventually(vertx::close).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          log.error("shutdown did not finish cleanly", e);
        }
      }
    };
    Signal.handle(new Signal("TERM"), signal -> new Thread(() -> {
      stop.run();
      System.exit(0);
    }, "minutes-shutdown").start());
    Signal.handle(new Signal("INT"), signal -> new Thread(() -> {
      stop.run();
      System.exit(0);
    }, "minutes-shutdown").start());
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "minutes-shutdown-hook"));
  }
}
