package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.redisson.api.RShardedTopic;
import org.redisson.api.listener.MessageListener;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * Shard channel subscriptions per document (Redis Cluster, {@code SSUBSCRIBE}): each {@link #watch}
 * adds a listener to the document's channel, each {@link #unwatch} removes the oldest one; Redisson
 * subscribes with the first listener and unsubscribes with the last, and re-subscribes on the
 * shard's new primary after a failover.
 *
 * <p>{@code onMessage} (document id, payload) and {@code onResubscribed} (document id: messages may
 * have been lost meanwhile) run on the Redis I/O thread; they must only hand work on.
 */
final class DocumentChannels {
  private final RedisConnection connection;
  private final Function<String, String> channelOf;
  private final BiConsumer<String, byte[]> onMessage;
  private final Consumer<String> onResubscribed;
  private final Map<String, Deque<Future<List<Integer>>>> listeners = new HashMap<>();

  DocumentChannels(
      RedisConnection connection,
      Function<String, String> channelOf,
      BiConsumer<String, byte[]> onMessage,
      Consumer<String> onResubscribed) {
    this.connection = connection;
    this.channelOf = channelOf;
    this.onMessage = onMessage;
    this.onResubscribed = onResubscribed;
  }

  /** The document's shard channel, to publish on. */
  RShardedTopic topic(String documentId) {
    return connection
        .client()
        .getShardedTopic(channelOf.apply(documentId), ByteArrayCodec.INSTANCE);
  }

  Future<Void> watch(String documentId) {
    RShardedTopic topic = topic(documentId);
    Context context = connection.vertx().getOrCreateContext();
    AtomicBoolean subscribedOnce = new AtomicBoolean();
    StatusListener status =
        new StatusListener() {
          @Override
          public void onSubscribe(String channel) {
            if (!subscribedOnce.compareAndSet(false, true)) {
              onResubscribed.accept(documentId);
            }
          }

          @Override
          public void onUnsubscribe(String channel) {}
        };
    MessageListener<byte[]> messages = (channel, payload) -> onMessage.accept(documentId, payload);
    Future<List<Integer>> added =
        RedisFutures.toVertx(topic.addListenerAsync(status), context, "subscribe " + documentId)
            .compose(
                statusId ->
                    RedisFutures.toVertx(
                            topic.addListenerAsync(byte[].class, messages),
                            context,
                            "subscribe " + documentId)
                        .map(messageId -> List.of(messageId, statusId)));
    synchronized (listeners) {
      listeners.computeIfAbsent(documentId, id -> new ArrayDeque<>()).addLast(added);
    }
    return added.mapEmpty();
  }

  Future<Void> unwatch(String documentId) {
    Future<List<Integer>> oldest;
    synchronized (listeners) {
      Deque<Future<List<Integer>>> watches = listeners.get(documentId);
      if (watches == null) {
        return Future.succeededFuture();
      }
      oldest = watches.removeFirst();
      if (watches.isEmpty()) {
        listeners.remove(documentId);
      }
    }
    return oldest.transform(
        added ->
            added.succeeded()
                ? RedisFutures.toVertx(
                    topic(documentId).removeListenerAsync(added.result().toArray(Integer[]::new)),
                    connection.vertx().getOrCreateContext(),
                    "unsubscribe " + documentId)
                : Future.succeededFuture());
  }

  /** Ends every subscription (shutdown). */
  Future<Void> unwatchAll() {
    List<String> documents;
    synchronized (listeners) {
      documents =
          listeners.entrySet().stream()
              .flatMap(e -> e.getValue().stream().map(w -> e.getKey()))
              .toList();
    }
    return Future.join(documents.stream().map(this::unwatch).toList()).mapEmpty();
  }
}
