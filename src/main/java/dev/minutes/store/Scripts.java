package dev.minutes.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * Running the records' Lua scripts: string codec, completions on the caller's context. The keys of
 * one script must share one hash slot (a Redis Cluster refuses the script otherwise).
 */
final class Scripts {
  private Scripts() {}

  static Future<Object> eval(
      RedisConnection connection,
      String script,
      RScript.ReturnType type,
      List<Object> keys,
      Object[] args,
      String what) {
    RScript rscript = connection.client().getScript(StringCodec.INSTANCE);
    return RedisFutures.toVertx(
        rscript.evalAsync(RScript.Mode.READ_WRITE, script, type, keys, args),
        connection.vertx().getOrCreateContext(),
        what);
  }

  /**
   * A write whose success a client is told (a meeting or series created, a call started, a close
   * finalised, a reopen): as durable as {@code MINUTES_REDIS_MIN_REPLICAS} asks, see {@link
   * DurableWrites}.
   */
  static Future<Object> evalDurably(
      RedisConnection connection,
      String script,
      RScript.ReturnType type,
      List<Object> keys,
      Object[] args,
      String what) {
    return RedisFutures.toVertx(
        connection.durableWrites().eval(StringCodec.INSTANCE, script, type, keys, args),
        connection.vertx().getOrCreateContext(),
        what);
  }

  /** Every field of the record hash at {@code key}, empty when there is none. */
  static Future<Optional<Map<String, String>>> readRecord(
      RedisConnection connection, String key, String what) {
    return RedisFutures.toVertx(
            connection.client().<String, String>getMap(key, StringCodec.INSTANCE).readAllMapAsync(),
            connection.vertx().getOrCreateContext(),
            what)
        .map(map -> map.isEmpty() ? Optional.empty() : Optional.of(map));
  }

  /** A record's fields as the flat field/value arguments its scripts take. */
  static List<Object> pairs(Map<String, String> fields) {
    List<Object> args = new ArrayList<>();
    fields.forEach(
        (k, v) -> {
          args.add(k);
          args.add(v);
        });
    return args;
  }
}
