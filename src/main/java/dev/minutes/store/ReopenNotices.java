package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node that a meeting was reopened, over the Redis channel {@code <prefix>reopened}
 * (payload: the document id), so that each node's loaded session of it accepts changes again.
 *
 * <p>Best effort like all pub/sub: the write gate in Redis stays the judge of every append, so a
 * lost notice never lets a change through a closed meeting. It can only leave a node refusing
 * changes to a reopened meeting until that node unloads the document (its peers gone for {@code
 * MINUTES_SESSION_IDLE_MS}) and loads it again.
 */
public final class ReopenNotices {
  private static final Logger log = LoggerFactory.getLogger(ReopenNotices.class);

  private final RedisConnection connection;
  private final RTopic topic;
  private Integer listenerId;

  public ReopenNotices(RedisConnection connection) {
    this.connection = connection;
    this.topic =
        connection.client().getTopic(connection.keys().prefix() + "reopened", StringCodec.INSTANCE);
  }

  /** Subscribes; {@code reopened} runs on the calling context with each reopened document id. */
  public Future<Void> start(Consumer<String> reopened) {
    Context context = connection.vertx().getOrCreateContext();
    return RedisFutures.toVertx(
            topic.addListenerAsync(
                String.class,
                (channel, documentId) -> context.runOnContext(v -> reopened.accept(documentId))),
            context,
            "subscribe reopen notices")
        .map(
            id -> {
              listenerId = id;
              return null;
            });
  }

  public Future<Void> stop() {
    if (listenerId == null) {
      return Future.succeededFuture();
    }
    return RedisFutures.toVertx(
        topic.removeListenerAsync(listenerId),
        connection.vertx().getOrCreateContext(),
        "unsubscribe reopen notices");
  }

  /** Tells every node (this one included) that the document's meeting was reopened. */
  public void publish(String documentId) {
    topic
        .publishAsync(documentId)
        .whenComplete(
            (receivers, failure) -> {
              if (failure != null) {
                log.warn(
                    "document {}: other nodes were not told of its reopening ({}); their sessions"
                        + " refuse changes until they reload it",
                    documentId,
                    failure.getMessage());
              }
            });
  }
}
