package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.redisson.api.RMap;
import org.redisson.client.codec.StringCodec;

/**
 * Where the nodes of one deployment say which publish settings they run with ({@code
 * <prefix>publish-settings}: node id → the time it last said so and its description), so that each
 * can notice a node that publishes elsewhere. Entries of nodes that stopped without withdrawing (a
 * crash) stay until someone removes them, so readers judge them by their time.
 */
public final class SettingsBoard {
  private final RedisConnection connection;

  public SettingsBoard(RedisConnection connection) {
    this.connection = connection;
  }

  /** One node's entry: what it runs with, and when it last said so. */
  public record Entry(Instant at, String description) {}

  /** Writes this node's entry (now) and returns every node's, this one's included. */
  public Future<Map<String, Entry>> announce(String nodeId, String description, Instant now) {
    RMap<String, String> board = board();
    return RedisFutures.toVertx(
            board.fastPutAsync(nodeId, now.toEpochMilli() + " " + description),
            context(),
            "announce publish settings")
        .compose(
            put ->
                RedisFutures.toVertx(board.readAllMapAsync(), context(), "read publish settings"))
        .map(SettingsBoard::entries);
  }

  /** Removes this node's entry (a node that stops). */
  public Future<Void> withdraw(String nodeId) {
    return RedisFutures.toVertx(board().fastRemoveAsync(nodeId), context(), "withdraw settings")
        .mapEmpty();
  }

  private static Map<String, Entry> entries(Map<String, String> raw) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    raw.forEach(
        (node, value) -> {
          int space = value.indexOf(' ');
          if (space > 0) {
            try {
              entries.put(
                  node,
                  new Entry(
                      Instant.ofEpochMilli(Long.parseLong(value.substring(0, space))),
                      value.substring(space + 1)));
            } catch (NumberFormatException unreadable) {
              // Not written by this version: not judged.
            }
          }
        });
    return entries;
  }

  private RMap<String, String> board() {
    return connection.client().getMap(connection.keys().publishSettings(), StringCodec.INSTANCE);
  }

  private Context context() {
    return connection.vertx().getOrCreateContext();
  }
}
