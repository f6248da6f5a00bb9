package dev.minutes.store;

import io.vertx.core.Future;
import java.util.UUID;
import org.redisson.client.codec.StringCodec;

/**
 * The storageId every node of one Redis announces in its {@code peer} message. It names the shared
 * store, not a node: a client's "saved on the server" check must hold whichever node it reaches.
 */
public final class StorageIdentity {
  private StorageIdentity() {}

  /** The id kept in Redis, created once by whichever node asks first. */
  public static Future<String> obtain(RedisConnection connection) {
    var bucket =
        connection
            .client()
            .<String>getBucket(connection.keys().prefix() + "storage-id", StringCodec.INSTANCE);
    return RedisFutures.toVertx(
            bucket.setIfAbsentAsync(UUID.randomUUID().toString()),
            connection.vertx().getOrCreateContext(),
            "create storage id")
        .compose(
            created ->
                RedisFutures.toVertx(
                    bucket.getAsync(), connection.vertx().getOrCreateContext(), "read storage id"));
  }
}
