package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RTopic;
import org.redisson.client.codec.ByteArrayCodec;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RedisConnectionTest {

  private static final byte[] SNAPSHOT = "s".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName(
      "Redis replies and pub/sub messages arrive on Vert.x's event loops, which outlive the connection's close")
  void sharesVertxEventLoops(Vertx vertx, VertxTestContext context) {
    String channel = RedisHarness.newPrefix() + "thread-probe";
    Promise<String> listenerThread = Promise.promise();
    RedisHarness.connect(vertx, RedisHarness.newPrefix())
        .compose(
            connection -> {
              RTopic topic = connection.client().getTopic(channel, ByteArrayCodec.INSTANCE);
              return Future.fromCompletionStage(
                      topic.addListenerAsync(
                          byte[].class,
                          (ch, message) ->
                              listenerThread.tryComplete(Thread.currentThread().getName())))
                  .compose(id -> Future.fromCompletionStage(topic.publishAsync(SNAPSHOT)))
                  .compose(receivers -> listenerThread.future())
                  .compose(thread -> connection.close().map(thread));
            })
        .compose(thread -> vertx.timer(1).map(thread)) // the event loops still run after the close
        .onComplete(
            context.succeeding(
                thread ->
                    context.verify(
                        () -> {
                          assertThat(thread).startsWith("vert.x-eventloop-thread-");
                          assertThat(Thread.getAllStackTraces().keySet())
                              .noneMatch(t -> t.getName().startsWith("redisson-netty"));
                          context.completeNow();
                        })));
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
}
