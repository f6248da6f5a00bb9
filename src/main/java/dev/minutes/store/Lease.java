package dev.minutes.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * A short exclusive right held in one Redis key (a close of a meeting, the start of a series'
 * call): taken with {@code SET NX} and an expiry, so a holder that crashed loses it by itself, and
 * given back only by its holder.
 */
final class Lease {
  /** KEYS[1] lease; ARGV[1] owner. Deletes the lease only if the caller still holds it. */
  private static final String RELEASE =
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        return redis.call('DEL', KEYS[1])
      end
      return 0
      """;

  private Lease() {}

  /** True for the one caller that got the lease. */
  static Future<Boolean> acquire(
      RedisConnection connection, String key, String owner, Duration ttl) {
    return RedisFutures.toVertx(
        connection
            .client()
            .<String>getBucket(key, StringCodec.INSTANCE)
            .setIfAbsentAsync(owner, ttl),
        connection.vertx().getOrCreateContext(),
        "acquire lease " + key);
  }

  /** Gives the lease back if {@code owner} still holds it (it also expires by itself). */
  static Future<Void> release(RedisConnection connection, String key, String owner) {
    return Scripts.eval(
            connection,
            RELEASE,
            RScript.ReturnType.INTEGER,
            List.of(key),
            new Object[] {owner},
            "release lease " + key)
        .mapEmpty();
  }
}
