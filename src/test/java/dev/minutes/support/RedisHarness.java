package dev.minutes.support;

import dev.minutes.app.EmbeddedRedis;
import dev.minutes.store.RedisConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real Redis for the whole test JVM: the server named by {@code REDIS_URL} when set, otherwise
 * an {@link EmbeddedRedis} started lazily in a temporary directory and stopped (directory removed)
 * when the JVM exits.
 *
 * <p>Tests isolate themselves with a unique key prefix from {@link #newPrefix()} and remove only
 * their own keys with {@link #cleanup}; they never flush the database, so they can share a Redis
 * with other test runs.
 */
public final class RedisHarness {

  private static final Logger log = LoggerFactory.getLogger(RedisHarness.class);
  private static String url;

  private RedisHarness() {}

  /**
   * The shared Redis URL, starting the embedded server on first use. Blocking; call it from the
   * test thread.
   */
  public static synchronized String url() {
    if (url == null) {
      String external = System.getenv("REDIS_URL");
      url = external != null && !external.isBlank() ? external : startEmbedded();
    }
    return url;
  }

  /** A fresh prefix such as {@code test:1b4e...:}, unique to the caller. */
  public static String newPrefix() {
    return "test:" + UUID.randomUUID() + ":";
  }

  /** Connects to the shared Redis with the given key prefix. */
  public static Future<RedisConnection> connect(Vertx vertx, String prefix) {
    return RedisConnection.connect(vertx, url(), prefix);
  }

  /** Deletes the keys under {@code prefix} (SCAN + DEL) through a short-lived connection. */
  public static Future<Long> cleanup(Vertx vertx, String prefix) {
    return connect(vertx, prefix)
        .compose(connection -> cleanup(connection).eventually(connection::close));
  }

  /** Deletes the keys under the connection's own prefix and leaves the connection open. */
  public static Future<Long> cleanup(RedisConnection connection) {
    return connection.deleteKeysUnderPrefix();
  }

  private static String startEmbedded() {
    Path dataDir = createTempDir();
    EmbeddedRedis redis = EmbeddedRedis.start(dataDir);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  redis.stop();
                  deleteRecursively(dataDir);
                },
                "redis-harness-shutdown"));
    log.info("Tests use embedded Redis at {} (set REDIS_URL to use another server)", redis.url());
    return redis.url();
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("minutes-test-redis-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  log.warn("Could not delete {}: {}", path, e.getMessage());
                }
              });
    } catch (IOException e) {
      log.warn("Could not clean up {}: {}", dir, e.getMessage());
    }
  }
}
