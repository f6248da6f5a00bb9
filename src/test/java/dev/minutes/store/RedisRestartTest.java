package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.app.EmbeddedRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Redis going away and coming back: uses its own embedded server, since it restarts it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RedisRestartTest {

  @TempDir Path dataDir;

  private volatile EmbeddedRedis redis;
  private RedisConnection connection;

  @AfterEach
  void tearDown(Vertx vertx, VertxTestContext context) {
    Future<Void> closed = connection == null ? Future.succeededFuture() : connection.close();
    closed
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      if (redis != null) {
                        redis.stop();
                      }
                      return null;
                    }))
        .onComplete(context.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "After Redis restarts, the feed resubscribes (telling its owner to catch up) and appends work again")
  void recoversFromRestart(Vertx vertx, VertxTestContext context) {
    redis = EmbeddedRedis.start(dataDir);
    int port = redis.port();
    String id = "restart-doc";
    Promise<Void> resubscribed = Promise.promise();
    Promise<Announcement> secondAnnouncement = Promise.promise();
    RedisConnection.connect(vertx, redis.url(), "restart:")
        .compose(
            opened -> {
              connection = opened;
              DocumentStore store = new RedisDocumentStore(opened);
              ChangeFeed feed = new RedisChangeFeed(opened);
              return feed.start(
                      announcement -> {
                        if (announcement.seq() == 2) {
                          secondAnnouncement.tryComplete(announcement);
                        }
                      },
                      resubscribed::tryComplete)
                  .compose(v -> store.create(id, bytes("s0")))
                  .compose(v -> store.append(id, bytes("before restart")))
                  .compose(
                      v ->
                          vertx.executeBlocking(
                              () -> {
                                assertThat(resubscribed.future().isComplete())
                                    .as("resubscribed before any outage")
                                    .isFalse();
                                redis.stop();
                                redis = EmbeddedRedis.start(dataDir, port);
                                return null;
                              }))
                  // Waiting for the event, not a clock: Redisson reconnects with back-off and then
                  // resubscribes.
                  .compose(v -> resubscribed.future())
                  .compose(v -> store.append(id, bytes("after restart")))
                  .compose(
                      seq -> {
                        assertThat(seq).isEqualTo(2);
                        return secondAnnouncement.future();
                      })
                  .compose(
                      announcement -> {
                        assertThat(announcement).isEqualTo(new Announcement(id, 2));
                        return store.load(id);
                      })
                  .compose(v -> feed.stop().map(v));
            })
        .onComplete(
            context.succeeding(
                loaded ->
                    context.verify(
                        () -> {
                          assertThat(loaded.orElseThrow().changes())
                              .extracting(RedisRestartTest::text)
                              .containsExactly("before restart", "after restart");
                          context.completeNow();
                        })));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
