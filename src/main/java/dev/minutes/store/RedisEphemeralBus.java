package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.function.Consumer;
import org.redisson.api.RTopic;
import org.redisson.client.codec.ByteArrayCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence frames between nodes over the Redis channel {@code <prefix>ephemeral}, or in a Redis
 * Cluster over the shard channel of each watched document ({@link RedisKeys#presence(String)}). A
 * payload is the sending node's id, a newline, then the frame; a node ignores its own payloads. The
 * frames are opaque here: the sync package encodes and checks them, so the store knows nothing of
 * the protocol.
 */
public final class RedisEphemeralBus implements DocumentWatch {
  private static final Logger log = LoggerFactory.getLogger(RedisEphemeralBus.class);

  private final RedisConnection connection;
  private final RTopic topic;
  private final byte[] nodeTag = (UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII);
  private final OrderedPublisher publisher;
  private Integer listenerId;

  /** The per-document subscriptions in a Redis Cluster; null on one server. */
  private final DocumentChannels shards;

  /** Where messages from shard channels go (on the starter's context); null until started. */
  private volatile Consumer<byte[]> shardDelivery;

  public RedisEphemeralBus(RedisConnection connection) {
    this.connection = connection;
    this.publisher = new OrderedPublisher(connection);
    this.topic =
        connection.client().getTopic(connection.keys().presenceChannel(), ByteArrayCodec.INSTANCE);
    this.shards =
        connection.clustered()
            ? new DocumentChannels(
                connection,
                connection.keys()::presence,
                (documentId, payload) -> {
                  byte[] frame = frameFromOtherNode(payload);
                  Consumer<byte[]> delivery = shardDelivery;
                  if (frame != null && delivery != null) {
                    delivery.accept(frame);
                  }
                },
                documentId -> {}) // presence lost meanwhile is simply sent again by the clients
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

  /** Subscribes; {@code deliver} runs on the calling context for every frame from another node. */
  public Future<Void> start(Consumer<byte[]> deliver) {
    Context context = connection.vertx().getOrCreateContext();
    if (shards != null) {
      shardDelivery = frame -> context.runOnContext(v -> deliver.accept(frame));
      return Future.succeededFuture();
    }
    return RedisFutures.toVertx(
            topic.addListenerAsync(
                byte[].class,
                (channel, payload) -> {
                  byte[] frame = frameFromOtherNode(payload);
                  if (frame != null) {
                    context.runOnContext(v -> deliver.accept(frame));
                  }
                }),
            context,
            "subscribe ephemeral")
        .map(
            id -> {
              listenerId = id;
              return null;
            });
  }

  public Future<Void> stop() {
    if (shards != null) {
      shardDelivery = null;
      return shards.unwatchAll();
    }
    if (listenerId == null) {
      return Future.succeededFuture();
    }
    return RedisFutures.toVertx(
        topic.removeListenerAsync(listenerId),
        connection.vertx().getOrCreateContext(),
        "unsubscribe ephemeral");
  }

  /**
   * Sends {@code frame}, about {@code documentId}, to every other node, after the frames sent
   * before it; best effort.
   */
  public void publish(String documentId, byte[] frame) {
    byte[] payload = Arrays.copyOf(nodeTag, nodeTag.length + frame.length);
    System.arraycopy(frame, 0, payload, nodeTag.length, frame.length);
    publisher.publish(
        shards == null
            ? new OrderedPublisher.Outgoing(connection.keys().presenceChannel(), false, payload)
            : new OrderedPublisher.Outgoing(connection.keys().presence(documentId), true, payload));
  }

  /** The frame in another node's payload; null for our own payloads and malformed ones. */
  private byte[] frameFromOtherNode(byte[] payload) {
    if (payload.length <= nodeTag.length
        || Arrays.equals(payload, 0, nodeTag.length, nodeTag, 0, nodeTag.length)) {
      return null; // our own message, or nothing
    }
    for (int i = 0; i < Math.min(payload.length, 64); i++) {
      if (payload[i] == '\n') {
        return Arrays.copyOfRange(payload, i + 1, payload.length);
      }
    }
    log.warn("ignoring a presence relay payload without a node id");
    return null;
  }
}
