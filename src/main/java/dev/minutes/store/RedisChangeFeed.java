package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.api.listener.MessageListener;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ChangeFeed} on the Redis channel {@link RedisKeys#changesChannel()}, or in a Redis Cluster
 * on the shard channel of each watched document ({@link RedisKeys#changes(String)}: the append
 * script publishes there with {@code SPUBLISH}, so an announcement travels only within the shard
 * that holds the document). One instance holds at most one subscription; create one per consumer.
 */
public final class RedisChangeFeed implements ChangeFeed {

  private static final Logger log = LoggerFactory.getLogger(RedisChangeFeed.class);

  private final Vertx vertx;
  private final RTopic topic;
  private final String channel;

  /**
   * Listener ids of the current subscription (message listener first); null when stopped or never
   * started.
   */
  private Future<List<Integer>> subscription;

  /** The per-document subscriptions in a Redis Cluster; null on one server. */
  private final DocumentChannels shards;

  /** Where announcements from shard channels go (on the starter's context); null until started. */
  private volatile Consumer<Announcement> shardDelivery;

  public RedisChangeFeed(RedisConnection connection) {
    this.vertx = connection.vertx();
    this.channel = connection.keys().changesChannel();
    this.topic = connection.client().getTopic(channel, ByteArrayCodec.INSTANCE);
    this.shards =
        connection.clustered()
            ? new DocumentChannels(
                connection,
                connection.keys()::changes,
                (documentId, payload) -> parse(payload).ifPresent(this::deliverFromShard),
                // Re-subscribed on the shard's new primary: catch this document up.
                documentId -> deliverFromShard(new Announcement(documentId, Long.MAX_VALUE)))
            : null;
  }

  @Override
  public Future<Void> watch(String documentId) {
    return shards == null ? Future.succeededFuture() : shards.watch(documentId);
  }

  @Override
  public Future<Void> unwatch(String documentId) {
    return shards == null ? Future.succeededFuture() : shards.unwatch(documentId);
  }

  private void deliverFromShard(Announcement announcement) {
    Consumer<Announcement> delivery = shardDelivery;
    if (delivery != null) {
      delivery.accept(announcement);
    }
  }

  @Override
  public synchronized Future<Void> start(Consumer<Announcement> listener, Runnable onResubscribed) {
    if (shards != null) {
      Context context = vertx.getOrCreateContext();
      shardDelivery = announcement -> context.runOnContext(v -> listener.accept(announcement));
      return Future.succeededFuture();
    }
    // A start that failed (e.g. Redis was down) may be retried; any other second start is a bug.
    if (subscription != null && !subscription.failed()) {
      return Future.failedFuture(
          new IllegalStateException("change feed on " + channel + " already started"));
    }
    Context context = vertx.getOrCreateContext();
    MessageListener<byte[]> messages =
        (ignoredChannel, payload) ->
            parse(payload)
                .ifPresent(
                    announcement -> context.runOnContext(v -> listener.accept(announcement)));
    StatusListener status = new ResubscriptionListener(context, onResubscribed);
    // The status listener goes first so that the first onSubscribe it sees is the initial
    // subscription.
    subscription =
        RedisFutures.toVertx(topic.addListenerAsync(status), context, "subscribe " + channel)
            .compose(
                statusId ->
                    RedisFutures.toVertx(
                            topic.addListenerAsync(byte[].class, messages),
                            context,
                            "subscribe " + channel)
                        .map(messageId -> List.of(messageId, statusId))
                        .recover(
                            failure ->
                                removeListeners(List.of(statusId))
                                    .transform(ignored -> Future.failedFuture(failure))));
    return subscription.onSuccess(ids -> log.debug("Subscribed to {}", channel)).mapEmpty();
  }

  @Override
  public synchronized Future<Void> stop() {
    if (shards != null) {
      shardDelivery = null;
      return shards.unwatchAll();
    }
    if (subscription == null) {
      return Future.succeededFuture();
    }
    Future<List<Integer>> current = subscription;
    subscription = null;
    // Waits for a start still in flight, so its listeners cannot outlive the stop.
    return current.transform(
        started ->
            started.succeeded() ? removeListeners(started.result()) : Future.succeededFuture());
  }

  private Future<Void> removeListeners(List<Integer> ids) {
    return RedisFutures.toVertx(
        topic.removeListenerAsync(ids.toArray(Integer[]::new)),
        vertx.getOrCreateContext(),
        "unsubscribe " + channel);
  }

  /**
   * Parses "{@code <documentId> <seq>}"; a malformed payload is logged and skipped, never fatal to
   * the feed.
   */
  static Optional<Announcement> parse(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    int space = text.lastIndexOf(' ');
    if (space <= 0 || space == text.length() - 1) {
      log.warn("Ignoring malformed change announcement '{}'", text);
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Announcement(text.substring(0, space), Long.parseLong(text.substring(space + 1))));
    } catch (NumberFormatException e) {
      log.warn("Ignoring change announcement with a malformed sequence number '{}'", text);
      return Optional.empty();
    }
  }

  /**
   * Redisson reports every (re)subscription; only the ones after the first mean messages may have
   * been lost.
   */
  private static final class ResubscriptionListener implements StatusListener {
    private final Context context;
    private final Runnable onResubscribed;
    private final AtomicBoolean subscribedOnce = new AtomicBoolean();

    ResubscriptionListener(Context context, Runnable onResubscribed) {
      this.context = context;
      this.onResubscribed = onResubscribed;
    }

    @Override
    public void onSubscribe(String channel) {
      if (!subscribedOnce.compareAndSet(false, true)) {
        log.info(
            "Resubscribed to {} after a lost connection; announcements may have been missed",
            channel);
        context.runOnContext(v -> onResubscribed.run());
      }
    }

    @Override
    public void onUnsubscribe(String channel) {
      log.debug("Unsubscribed from {}", channel);
    }
  }
}
