package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
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
 * {@link ChangeFeed} on the Redis channel {@link RedisKeys#changesChannel()}. One instance holds at most one
 * subscription; create one per consumer.
 */
public final class RedisChangeFeed implements ChangeFeed {

  private static final Logger log = LoggerFactory.getLogger(RedisChangeFeed.class);

  private final Vertx vertx;
  private final RTopic topic;
  private final String channel;
  private Integer messageListenerId;
  private Integer statusListenerId;

  public RedisChangeFeed(RedisConnection connection) {
    this.vertx = connection.vertx();
    this.channel = connection.keys().changesChannel();
    this.topic = connection.client().getTopic(channel, ByteArrayCodec.INSTANCE);
  }

  @Override
  public synchronized Future<Void> start(Consumer<Announcement> listener, Runnable onResubscribed) {
    if (messageListenerId != null) {
      return Future.failedFuture(new IllegalStateException("change feed on " + channel + " already started"));
    }
    Context context = vertx.getOrCreateContext();
    MessageListener<byte[]> messages = (ignoredChannel, payload) -> parse(payload)
        .ifPresent(announcement -> context.runOnContext(v -> listener.accept(announcement)));
    StatusListener status = new ResubscriptionListener(context, onResubscribed);
    // The status listener goes first so that the first onSubscribe it sees is the initial subscription.
    return RedisFutures.toVertx(topic.addListenerAsync(status), context, "subscribe " + channel)
        .compose(statusId -> {
          synchronized (this) {
            statusListenerId = statusId;
          }
          return RedisFutures.toVertx(topic.addListenerAsync(byte[].class, messages), context, "subscribe " + channel);
        })
        .map(messageId -> {
          synchronized (this) {
            messageListenerId = messageId;
          }
          log.debug("Subscribed to {}", channel);
          return null;
        });
  }

  @Override
  public synchronized Future<Void> stop() {
    if (messageListenerId == null && statusListenerId == null) {
      return Future.succeededFuture();
    }
    Integer[] ids = java.util.stream.Stream.of(messageListenerId, statusListenerId)
        .filter(java.util.Objects::nonNull).toArray(Integer[]::new);
    messageListenerId = null;
    statusListenerId = null;
    return RedisFutures.toVertx(topic.removeListenerAsync(ids), vertx.getOrCreateContext(), "unsubscribe " + channel);
  }

  /** Parses "{@code <documentId> <seq>}"; a malformed payload is logged and skipped, never fatal to the feed. */
  static Optional<Announcement> parse(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8);
    int space = text.lastIndexOf(' ');
    if (space <= 0 || space == text.length() - 1) {
      log.warn("Ignoring malformed change announcement '{}'", text);
      return Optional.empty();
    }
    try {
      return Optional.of(new Announcement(text.substring(0, space), Long.parseLong(text.substring(space + 1))));
    } catch (NumberFormatException e) {
      log.warn("Ignoring change announcement with a malformed sequence number '{}'", text);
      return Optional.empty();
    }
  }

  /** Redisson reports every (re)subscription; only the ones after the first mean messages may have been lost. */
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
        log.info("Resubscribed to {} after a lost connection; announcements may have been missed", channel);
        context.runOnContext(v -> onResubscribed.run());
      }
    }

    @Override
    public void onUnsubscribe(String channel) {
      log.debug("Unsubscribed from {}", channel);
    }
  }
}
