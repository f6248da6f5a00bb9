package dev.minutes.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes payloads in the order they were handed in. Redisson sends concurrent commands over
 * several pooled connections, so two {@code publishAsync} calls in a row may reach Redis, and every
 * subscriber, the other way round; a receiver that drops a presence message older than one already
 * seen then loses the first. Here at most one send is in flight: what arrives meanwhile waits and
 * goes next as one pipelined batch, which Redis runs in order on one connection.
 *
 * <p>Thread-safe: sessions publish from their own contexts. Best effort: a failed send is logged at
 * debug and the next one goes on.
 */
final class OrderedPublisher {
  private static final Logger log = LoggerFactory.getLogger(OrderedPublisher.class);

  /** A payload and the channel it goes to; {@code sharded} for a Redis Cluster shard channel. */
  record Outgoing(String channel, boolean sharded, byte[] payload) {}

  private final RedisConnection connection;
  private final Queue<Outgoing> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();

  OrderedPublisher(RedisConnection connection) {
    this.connection = connection;
  }

  void publish(Outgoing message) {
    waiting.add(message);
    sendWaiting();
  }

  private void sendWaiting() {
    while (!waiting.isEmpty() && sending.compareAndSet(false, true)) {
      List<Outgoing> next = new ArrayList<>();
      for (Outgoing message = waiting.poll(); message != null; message = waiting.poll()) {
        next.add(message);
      }
      if (next.isEmpty()) {
        sending.set(false); // another thread took them between the check and the flag
        continue;
      }
      sendSafely(next)
          .whenComplete(
              (result, failure) -> {
                if (failure != null) {
                  log.debug(
                      "{} presence messages not relayed: {}", next.size(), failure.getMessage());
                }
                sending.set(false);
                sendWaiting();
              });
      return;
    }
  }

  /** {@link #send}, a failure thrown at once (a client shutting down) as a failed stage. */
  private CompletionStage<?> sendSafely(List<Outgoing> messages) {
    try {
      return send(messages);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletionStage<?> send(List<Outgoing> messages) {
    if (messages.size() == 1) {
      Outgoing only = messages.get(0);
      return only.sharded()
          ? connection
              .client()
              .getShardedTopic(only.channel(), ByteArrayCodec.INSTANCE)
              .publishAsync(only.payload())
          : connection
              .client()
              .getTopic(only.channel(), ByteArrayCodec.INSTANCE)
              .publishAsync(only.payload());
    }
    RBatch batch = connection.client().createBatch(BatchOptions.defaults());
    for (Outgoing message : messages) {
      if (message.sharded()) {
        batch
            .getShardedTopic(message.channel(), ByteArrayCodec.INSTANCE)
            .publishAsync(message.payload());
      } else {
        batch.getTopic(message.channel(), ByteArrayCodec.INSTANCE).publishAsync(message.payload());
      }
    }
    return batch.executeAsync();
  }
}
