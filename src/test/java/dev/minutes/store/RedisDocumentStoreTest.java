package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Runs the {@link DocumentStoreContract} against a real Redis, plus checks of the Redis key layout.
 */
class RedisDocumentStoreTest extends DocumentStoreContract {

  private RedisConnection connection;
  private final List<ChangeFeed> feeds = new ArrayList<>();

  @Override
  protected Future<DocumentStore> openStore(Vertx vertx) {
    return RedisHarness.connect(vertx, RedisHarness.newPrefix())
        .map(
            opened -> {
              connection = opened;
              return new RedisDocumentStore(opened);
            });
  }

  @Override
  protected Future<ChangeFeed> openChangeFeed(Vertx vertx) {
    ChangeFeed feed = new RedisChangeFeed(connection);
    feeds.add(feed);
    return Future.succeededFuture(feed);
  }

  @Override
  protected Future<Void> closeStore(Vertx vertx) {
    if (connection == null) {
      return Future.succeededFuture();
    }
    return Future.all(feeds.stream().map(ChangeFeed::stop).toList())
        .compose(v -> RedisHarness.cleanup(connection))
        .eventually(connection::close)
        .mapEmpty();
  }

  @Test
  @DisplayName(
      "A document's keys sit under the prefix with the id as hash tag, all in one cluster slot")
  void keysShareOneSlot(VertxTestContext context) {
    String id = newId();
    RedisKeys keys = connection.keys();
    store
        .create(id, bytes("s0"))
        .compose(v -> store.append(id, bytes("a")))
        .compose(v -> store.compact(id, bytes("s0+a"), 1))
        .compose(v -> store.append(id, bytes("b")))
        .compose(v -> store.closeWrites(id))
        .compose(
            v ->
                RedisFutures.toVertx(
                    connection
                        .client()
                        .getKeys()
                        .countExistsAsync(keys.documentKeys(id).toArray(String[]::new)),
                    Vertx.currentContext(),
                    "count keys"))
        .onComplete(
            context.succeeding(
                existing ->
                    context.verify(
                        () -> {
                          assertThat(existing).isEqualTo(4);
                          // Redis Cluster hashes only the hash tag, so equal tags mean one slot.
                          assertThat(keys.documentKeys(id))
                              .allSatisfy(key -> assertThat(hashTag((String) key)).isEqualTo(id));
                          assertThat(keys.snapshot(id))
                              .isEqualTo(keys.prefix() + "doc:{" + id + "}:snapshot");
                          assertThat(keys.log(id))
                              .isEqualTo(keys.prefix() + "doc:{" + id + "}:log");
                          assertThat(keys.base(id))
                              .isEqualTo(keys.prefix() + "doc:{" + id + "}:base");
                          assertThat(keys.gate(id))
                              .isEqualTo(keys.prefix() + "doc:{" + id + "}:gate");
                          assertThat(keys.changesChannel()).isEqualTo(keys.prefix() + "changes");
                          context.completeNow();
                        })));
  }

  /**
   * The part of a key Redis Cluster hashes: the text between the first '{' and the next '}', if
   * non-empty.
   */
  private static String hashTag(String key) {
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    return close > open + 1 ? key.substring(open + 1, close) : key;
  }

  @Test
  @DisplayName("Operations on a closed connection fail with UNAVAILABLE")
  void closedConnectionIsUnavailable(Vertx vertx, VertxTestContext context) {
    String id = newId();
    // A second connection on the same prefix, so the shared one stays open for cleanup.
    RedisHarness.connect(vertx, connection.keys().prefix())
        .compose(
            second -> {
              DocumentStore secondStore = new RedisDocumentStore(second);
              return secondStore
                  .create(id, bytes("s0"))
                  .compose(v -> second.close())
                  .compose(v -> failureOf(secondStore.append(id, bytes("a"))));
            })
        .onComplete(
            context.succeeding(
                failure ->
                    context.verify(
                        () -> {
                          assertRefused(failure, StoreException.Reason.UNAVAILABLE);
                          assertThat(failure.getCause()).isNotNull();
                          context.completeNow();
                        })));
  }
}
