package dev.minutes.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.store.DocumentStore;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.StoredDocument;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EmbeddedRedisTest {

  private static final String PREFIX = "embedded-test:";

  @TempDir Path dataDir;

  private volatile EmbeddedRedis redis;

  @AfterEach
  void stopRedis() {
    if (redis != null) {
      redis.stop();
    }
  }

  @Test
  @DisplayName(
      "Data written before a stop is still there after a restart on the same directory, kept in an AOF")
  void dataSurvivesRestart(Vertx vertx, VertxTestContext context) {
    redis = EmbeddedRedis.start(dataDir);
    byte[] snapshot = "snapshot".getBytes(StandardCharsets.UTF_8);
    byte[] change = "change".getBytes(StandardCharsets.UTF_8);
    withStore(
            vertx,
            redis.url(),
            store -> store.create("doc-1", snapshot).compose(v -> store.append("doc-1", change)))
        .compose(
            seq ->
                vertx.executeBlocking(
                    () -> {
                      redis.stop();
                      assertThat(redis.isRunning()).isFalse();
                      redis = EmbeddedRedis.start(dataDir);
                      return redis.url();
                    }))
        .compose(url -> withStore(vertx, url, store -> store.load("doc-1")))
        .onComplete(
            context.succeeding(
                (Optional<StoredDocument> loaded) ->
                    context.verify(
                        () -> {
                          StoredDocument stored = loaded.orElseThrow();
                          assertThat(stored.snapshot()).isEqualTo(snapshot);
                          assertThat(stored.changes()).singleElement().isEqualTo(change);
                          assertThat(stored.lastSeq()).isEqualTo(1);
                          Path aof = dataDir.resolve("appendonly.aof");
                          assertThat(aof).exists();
                          assertThat(Files.size(aof)).isPositive();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "A redis-server left running on the data directory (its JVM was killed) is stopped before a new one starts")
  void orphanedServerIsStopped() throws IOException {
    EmbeddedRedis orphan = EmbeddedRedis.start(dataDir);
    long orphanPid =
        Long.parseLong(Files.readString(dataDir.resolve(EmbeddedRedis.PID_FILE)).trim());
    assertThat(ProcessHandle.of(orphanPid))
        .hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    redis = EmbeddedRedis.start(dataDir);

    assertThat(ProcessHandle.of(orphanPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(redis.port()).isNotEqualTo(orphan.port());
    long newPid = Long.parseLong(Files.readString(dataDir.resolve(EmbeddedRedis.PID_FILE)).trim());
    assertThat(newPid).isNotEqualTo(orphanPid);
    orphan.stop();
  }

  @Test
  @DisplayName(
      "The server listens on a loopback port given by url() and stop() may be called twice")
  void urlAndStop() {
    redis = EmbeddedRedis.start(dataDir);
    assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
    assertThat(redis.port()).isPositive();
    assertThat(redis.dataDir()).isEqualTo(dataDir.toAbsolutePath());
    assertThat(redis.isRunning()).isTrue();
    redis.stop();
    redis.stop();
    assertThat(redis.isRunning()).isFalse();
  }

  @Test
  @DisplayName(
      "The server runs with an fsync-always AOF in the data directory, no RDB saves, bound to loopback")
  void durabilitySettings() throws IOException {
    redis = EmbeddedRedis.start(dataDir);
    assertThat(configGet("appendonly")).isEqualTo("yes");
    assertThat(configGet("appendfsync")).isEqualTo("always");
    assertThat(configGet("save")).isEmpty();
    assertThat(configGet("bind")).isEqualTo("127.0.0.1");
    assertThat(Path.of(configGet("dir"))).isEqualTo(dataDir.toRealPath());
  }

  /**
   * CONFIG GET over a raw socket (inline command); the value is the last line of the two-element
   * reply.
   */
  private String configGet(String parameter) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", redis.port())) {
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write(("CONFIG GET " + parameter + "\r\n").getBytes(StandardCharsets.US_ASCII));
      BufferedReader reply =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      assertThat(reply.readLine()).isEqualTo("*2");
      reply.readLine();
      assertThat(reply.readLine()).isEqualTo(parameter);
      reply.readLine();
      return reply.readLine();
    }
  }

  @Test
  @DisplayName("Two servers on different directories run side by side on different ports")
  void twoServers(@TempDir Path otherDir) {
    redis = EmbeddedRedis.start(dataDir);
    EmbeddedRedis other = EmbeddedRedis.start(otherDir);
    try {
      assertThat(other.port()).isNotEqualTo(redis.port());
      assertThat(other.isRunning()).isTrue();
    } finally {
      other.stop();
    }
  }

  private static <T> Future<T> withStore(
      Vertx vertx, String url, Function<DocumentStore, Future<T>> work) {
    return RedisConnection.connect(vertx, url, PREFIX)
        .compose(
            connection ->
                work.apply(new RedisDocumentStore(connection)).eventually(connection::close));
  }
}
