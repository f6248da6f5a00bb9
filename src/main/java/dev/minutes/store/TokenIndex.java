package dev.minutes.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.redisson.api.RScript;

/**
 * The token index: {@code <prefix>token:<hash>} names who holds a token ({@code "meetingId role"}
 * or {@code "series:seriesId role"}). Each token key lives in a slot of its own in a Redis Cluster,
 * so each is written by a step of its own, after the record that lists the token's hash: a crash
 * between them leaves a record nobody holds a token to, never a token without its record (and a
 * token is only honoured if that record lists its hash).
 */
final class TokenIndex {
  /** KEYS[1] token; ARGV[1] "owner role". */
  private static final String INDEX =
      """
      redis.call('SET', KEYS[1], ARGV[1])
      return 1
      """;

  private TokenIndex() {}

  /** Indexes each token hash of {@code tokenRoles} (hash → role label) as held by {@code owner}. */
  static Future<Void> index(
      RedisConnection connection, String owner, Map<String, String> tokenRoles) {
    List<Future<Object>> indexed = new ArrayList<>();
    tokenRoles.forEach(
        (hash, role) ->
            indexed.add(
                Scripts.evalDurably(
                    connection,
                    INDEX,
                    RScript.ReturnType.INTEGER,
                    List.of(connection.keys().token(hash)),
                    new Object[] {owner + " " + role},
                    "index token")));
    return Future.all(indexed).mapEmpty();
  }
}
