package dev.minutes.store;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.app.EmbeddedRedis;
import dev.minutes.support.LogCapture;
import dev.minutes.support.RedisHarness;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RTopic;
import org.redisson.api.redisnode.RedisMaster;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.codec.ByteArrayCodec;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RedisConnectionTest {

  private static final byte[] SNAPSHOT = "s".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName(
      "Redis commands and pub/sub messages go through while every Vert.x event loop is busy: Redis"
          + " I/O never waits for the HTTP side")
  void redisIoIndependentOfEventLoops(Vertx vertx) throws Exception {
    RedisConnection connection =
        RedisHarness.connect(vertx, RedisHarness.newPrefix()).await(30, TimeUnit.SECONDS);
    String channel = connection.keys().prefix() + "thread-probe";
    RTopic topic = connection.client().getTopic(channel, ByteArrayCodec.INSTANCE);
    CompletableFuture<String> listenerThread = new CompletableFuture<>();
    topic
        .addListenerAsync(
            byte[].class,
            (ch, message) -> listenerThread.complete(Thread.currentThread().getName()))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    CountDownLatch release = new CountDownLatch(1);
    List<EventExecutor> loops = new ArrayList<>();
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    CountDownLatch allBusy = new CountDownLatch(loops.size());
    try {
      for (EventExecutor loop : loops) {
        loop.execute(
            () -> {
              allBusy.countDown();
              awaitQuietly(release);
            });
      }
      assertThat(allBusy.await(30, TimeUnit.SECONDS)).isTrue();
      // Called from this thread and awaited as Redisson futures: nothing here needs an event loop.
      connection
          .client()
          .getBucket(channel + ":bucket", ByteArrayCodec.INSTANCE)
          .setAsync(SNAPSHOT)
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      topic.publishAsync(SNAPSHOT).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(listenerThread.get(30, TimeUnit.SECONDS)).doesNotStartWith("vert.x-");
    } finally {
      release.countDown();
      RedisHarness.cleanup(connection).eventually(connection::close).await(30, TimeUnit.SECONDS);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName(
      "ping answers true while Redis is reachable and false after the connection is closed")
  void ping(Vertx vertx, VertxTestContext context) {
    RedisHarness.connect(vertx, RedisHarness.newPrefix())
        .compose(
            connection ->
                connection
                    .ping()
                    .compose(
                        alive ->
                            connection
                                .close()
                                .compose(v -> connection.ping())
                                .map(afterClose -> new boolean[] {alive, afterClose})))
        .onComplete(
            context.succeeding(
                answers ->
                    context.verify(
                        () -> {
                          assertThat(answers[0]).isTrue();
                          assertThat(answers[1]).isFalse();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a Redis that would lose acknowledged edits (appendonly no, an eviction policy) is named at"
          + " connect, with the setting to change; the embedded default's settings are not")
  void warnsAboutSettingsThatLoseEdits(Vertx vertx, @TempDir Path dir) throws Exception {
    EmbeddedRedis redis = EmbeddedRedis.start(dir);
    try (LogCapture logs = new LogCapture()) {
      RedisConnection safe = RedisConnection.connect(vertx, redis.url(), "x:").await(30, SECONDS);
      assertThat(logs.lines()).noneMatch(line -> line.contains("Redis durability"));
      RedisMaster primary = safe.client().getRedisNodes(RedisNodes.SINGLE).getInstance();
      primary.setConfig("appendonly", "no");
      primary.setConfig("maxmemory-policy", "allkeys-lru");
      safe.close().await(30, SECONDS);

      RedisConnection risky = RedisConnection.connect(vertx, redis.url(), "x:").await(30, SECONDS);
      risky.close().await(30, SECONDS);

      List<String> warnings =
          logs.lines().stream()
              .filter(line -> line.startsWith("WARN") && line.contains("Redis durability"))
              .toList();
      assertThat(warnings).hasSize(2);
      assertThat(warnings.get(0)).contains("appendonly no", "set appendonly yes");
      assertThat(warnings.get(1)).contains("maxmemory-policy allkeys-lru", "set noeviction");
    } finally {
      redis.stop();
    }
  }

  @Test
  @DisplayName("Connecting to a port where nothing listens fails with UNAVAILABLE")
  void unreachable(Vertx vertx, VertxTestContext context) throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = probe.getLocalPort();
    }
    RedisConnection.connect(vertx, "redis://127.0.0.1:" + closedPort, "x:")
        .onComplete(
            context.failing(
                failure ->
                    context.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOfSatisfying(
                                  StoreException.class,
                                  refusal ->
                                      assertThat(refusal.reason())
                                          .isEqualTo(StoreException.Reason.UNAVAILABLE));
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("A malformed URL fails with IllegalArgumentException before any connection attempt")
  void malformedUrl(Vertx vertx, VertxTestContext context) {
    RedisConnection.connect(vertx, "http://127.0.0.1:6379", "x:")
        .onComplete(
            context.failing(
                failure ->
                    context.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(IllegalArgumentException.class);
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName("A host name is resolved through Netty's DNS resolver and the connection works")
  void hostName(Vertx vertx, VertxTestContext context) {
    String byName = RedisHarness.url().replace("//127.0.0.1:", "//localhost:");
    RedisConnection.connect(vertx, byName, RedisHarness.newPrefix())
        .compose(connection -> connection.ping().eventually(connection::close))
        .onComplete(
            context.succeeding(
                alive ->
                    context.verify(
                        () -> {
                          assertThat(alive).isTrue();
                          context.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "Deleting keys under a prefix removes all of them, in batches, and nothing under a look-alike prefix")
  void deleteOnlyOwnPrefix(Vertx vertx, VertxTestContext context) {
    String base = RedisHarness.newPrefix();
    // Unescaped, the glob "[ab]" would also match the neighbour's keys that start with "a:".
    String ownPrefix = base + "[ab]:";
    String neighbourPrefix = base + "a:";
    int documents = 600;
    Future.all(RedisHarness.connect(vertx, ownPrefix), RedisHarness.connect(vertx, neighbourPrefix))
        .compose(
            connections -> {
              RedisConnection own = connections.resultAt(0);
              RedisConnection neighbour = connections.resultAt(1);
              DocumentStore ownStore = new RedisDocumentStore(own);
              DocumentStore neighbourStore = new RedisDocumentStore(neighbour);
              return Future.all(
                      IntStream.range(0, documents)
                          .mapToObj(i -> ownStore.create("doc" + i, SNAPSHOT))
                          .toList())
                  .compose(v -> neighbourStore.create("doc0", SNAPSHOT))
                  .compose(v -> own.deleteKeysUnderPrefix())
                  .compose(
                      deleted ->
                          Future.all(
                                  ownStore.exists("doc0"),
                                  ownStore.exists("doc599"),
                                  neighbourStore.exists("doc0"))
                              .map(
                                  exists -> {
                                    assertThat(deleted).isEqualTo(documents);
                                    assertThat(exists.<Boolean>resultAt(0)).isFalse();
                                    assertThat(exists.<Boolean>resultAt(1)).isFalse();
                                    assertThat(exists.<Boolean>resultAt(2)).isTrue();
                                    return null;
                                  }))
                  .eventually(() -> RedisHarness.cleanup(neighbour))
                  .eventually(() -> Future.all(own.close(), neighbour.close()));
            })
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "A TLS handshake nobody answered is named as such when TLS is asked for, and only then (the"
          + " chain Redisson 3.52 gives for rediss:// to a Redis without TLS on that port)")
  void unansweredHandshakeNamed() {
    Throwable unanswered =
        new RedisConnectionException(new java.util.concurrent.TimeoutException());

    String overTls =
        RedisConnection.connectFailure(
                unanswered, new RedisTopology.Standalone("rediss://127.0.0.1:6380", null))
            .getMessage();
    String plain =
        RedisConnection.connectFailure(
                unanswered, new RedisTopology.Standalone("redis://127.0.0.1:6380", null))
            .getMessage();

    assertThat(overTls)
        .startsWith("Redis unavailable during connect to rediss://127.0.0.1:6380")
        .contains("no answer to the TLS handshake")
        .contains("tls-port");
    assertThat(plain).doesNotContain("TLS");
  }
}
