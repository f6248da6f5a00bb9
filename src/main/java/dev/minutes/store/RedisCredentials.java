package dev.minutes.store;

/**
 * How a node authenticates to the Redis servers of a Sentinel or Cluster deployment ({@code
 * REDIS_USERNAME}, {@code REDIS_PASSWORD}; one server takes them in {@code REDIS_URL}), and to the
 * Sentinels when theirs differ ({@code REDIS_SENTINEL_USERNAME}, {@code REDIS_SENTINEL_PASSWORD}).
 * Null where not set: Redis' own {@code default} user without a password. {@link #toString()} never
 * shows a password.
 */
public record RedisCredentials(
    String username, String password, String sentinelUsername, String sentinelPassword) {

  public static final RedisCredentials NONE = new RedisCredentials(null, null, null, null);

  @Override
  public String toString() {
    return "RedisCredentials[username="
        + username
        + (password == null ? "" : ", password=***")
        + (sentinelUsername == null ? "" : ", sentinelUsername=" + sentinelUsername)
        + (sentinelPassword == null ? "" : ", sentinelPassword=***")
        + "]";
  }
}
