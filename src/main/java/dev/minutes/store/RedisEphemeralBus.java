package dev.minutes.store;

import dev.minutes.sync.EphemeralRelay;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.MessageCodec;
import dev.minutes.sync.codec.ProtocolMessage;
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
 * Presence messages between nodes over the Redis channel {@code <prefix>ephemeral}, or in a Redis
 * Cluster over the shard channel of each watched document ({@link RedisKeys#presence(String)}). A
 * payload is the sending node's id, a newline, then the protocol frame exactly as a client sent it;
 * a node ignores its own payloads. Each receiving session de-duplicates by count as it does for
 * local peers, so the echoes that clients re-forward are dropped on every node.
 */
public final class RedisEphemeralBus implements EphemeralRelay, DocumentWatch {
  private static final Logger log = LoggerFactory.getLogger(RedisEphemeralBus.class);

  private final RedisConnection connection;
  private final RTopic topic;
  private final byte[] nodeTag = (UUID.randomUUID() + "\n").getBytes(StandardCharsets.US_ASCII);
  private Integer listenerId;

  /** The per-document subscriptions in a Redis Cluster; null on one server. */
  private final DocumentChannels shards;

  /** Where messages from shard channels go (on the starter's context); null until started. */
  private volatile Consumer<Ephemeral> shardDelivery;

  public RedisEphemeralBus(RedisConnection connection) {
    this.connection = connection;
    this.topic =
        connection.client().getTopic(connection.keys().presenceChannel(), ByteArrayCodec.INSTANCE);
    this.shards =
        connection.clustered()
            ? new DocumentChannels(
                connection,
                connection.keys()::presence,
                (documentId, payload) -> {
                  Ephemeral message = decode(payload);
                  Consumer<Ephemeral> delivery = shardDelivery;
                  if (message != null && delivery != null) {
                    delivery.accept(message);
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

  /**
   * Subscribes; {@code deliver} runs on the calling context for every message from another node.
   */
  public Future<Void> start(Consumer<Ephemeral> deliver) {
    Context context = connection.vertx().getOrCreateContext();
    if (shards != null) {
      shardDelivery = message -> context.runOnContext(v -> deliver.accept(message));
      return Future.succeededFuture();
    }
    return RedisFutures.toVertx(
            topic.addListenerAsync(
                byte[].class,
                (channel, payload) -> {
                  Ephemeral message = decode(payload);
                  if (message != null) {
                    context.runOnContext(v -> deliver.accept(message));
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

  @Override
  public void publish(Ephemeral message) {
    byte[] frame = MessageCodec.encode(message);
    byte[] payload = Arrays.copyOf(nodeTag, nodeTag.length + frame.length);
    System.arraycopy(frame, 0, payload, nodeTag.length, frame.length);
    (shards == null ? topic : shards.topic(message.documentId()))
        .publishAsync(payload)
        .whenComplete(
            (receivers, failure) -> {
              if (failure != null) {
                log.debug(
                    "presence message for {} not relayed to other nodes: {}",
                    message.documentId(),
                    failure.getMessage());
              }
            });
  }

  private Ephemeral decode(byte[] payload) {
    if (payload.length <= nodeTag.length
        || Arrays.equals(payload, 0, nodeTag.length, nodeTag, 0, nodeTag.length)) {
      return null; // our own message, or nothing
    }
    int newline = -1;
    for (int i = 0; i < Math.min(payload.length, 64); i++) {
      if (payload[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      log.warn("ignoring a malformed presence relay payload");
      return null;
    }
    try {
      ProtocolMessage message =
          MessageCodec.decode(Arrays.copyOfRange(payload, newline + 1, payload.length));
      return message instanceof Ephemeral ephemeral ? ephemeral : null;
    } catch (MalformedMessageException e) {
      log.warn("ignoring a malformed presence relay payload: {}", e.getMessage());
      return null;
    }
  }
}
