package dev.minutes.store;

/**
 * The Lua scripts behind every multi-step change, each run atomically by Redis.
 *
 * <p>All scripts take the document keys in {@link RedisKeys#documentKeys} order: KEYS[1] snapshot,
 * KEYS[2] log, KEYS[3] base, KEYS[4] gate, KEYS[5] digest. The log holds the entries with sequence
 * numbers {@code base+1 .. base+LLEN(log)}, so a sequence number is derived, never stored per
 * entry, and compaction only has to move {@code base} forward.
 *
 * <p>Failures are returned as negative status codes instead of Redis errors so that the Java side
 * can tell them apart without parsing messages. Numbers handed back to Redis commands are formatted
 * with {@code %d} because Lua 5.1 would print large doubles in exponent notation.
 */
final class LuaScripts {

  static final long UNKNOWN_DOCUMENT = -1;
  static final long WRITES_CLOSED = -2;
  static final long BEYOND_LOG_END = -3;

  private LuaScripts() {}

  /**
   * ARGV[1] snapshot. Returns 1 when created, 0 when the id is taken. Clears leftovers of a deleted
   * document.
   */
  static final String CREATE =
      """
      if redis.call('EXISTS', KEYS[1]) == 1 then
        return 0
      end
      redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
      redis.call('SET', KEYS[1], ARGV[1])
      return 1
      """;

  /**
   * ARGV[1] chunk, ARGV[2] '1' to respect the write gate or '0' to ignore it, ARGV[3] channel,
   * ARGV[4] document id, ARGV[5] the publish command ({@code PUBLISH}, or {@code SPUBLISH} on the
   * document's own shard channel in a Redis Cluster). Returns the new entry's sequence number, or
   * UNKNOWN_DOCUMENT / WRITES_CLOSED. The announcement is published from inside the script so that
   * it can never precede the entry it announces.
   */
  static final String APPEND =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      if ARGV[2] == '1' and redis.call('EXISTS', KEYS[4]) == 1 then
        return -2
      end
      local length = redis.call('RPUSH', KEYS[2], ARGV[1])
      local seq = tonumber(redis.call('GET', KEYS[3]) or '0') + length
      redis.call(ARGV[5], ARGV[3], ARGV[4] .. ' ' .. string.format('%d', seq))
      return seq
      """;

  /**
   * ARGV[1] afterSeq (-1 to load everything). Returns {UNKNOWN_DOCUMENT}, or a flat array
   * {hasSnapshot, lastSeq, [snapshot], entries...} where hasSnapshot is 1 when the snapshot
   * follows, else 0.
   */
  static final String READ_SINCE =
      """
      local snapshot = redis.call('GET', KEYS[1])
      if not snapshot then
        return {-1}
      end
      local base = tonumber(redis.call('GET', KEYS[3]) or '0')
      local length = redis.call('LLEN', KEYS[2])
      local after = tonumber(ARGV[1])
      local reply
      local first
      if after < base then
        reply = {1, base + length, snapshot}
        first = 0
      else
        reply = {0, base + length}
        first = after - base
      end
      if first < length then
        local entries = redis.call('LRANGE', KEYS[2], first, -1)
        for i = 1, #entries do
          reply[#reply + 1] = entries[i]
        end
      end
      return reply
      """;

  /**
   * ARGV[1] snapshot, ARGV[2] upToSeq. Returns 1 when compacted, 0 when an equal or newer
   * compaction already happened, UNKNOWN_DOCUMENT, or BEYOND_LOG_END when upToSeq names an entry
   * that was never appended.
   */
  static final String COMPACT =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      local base = tonumber(redis.call('GET', KEYS[3]) or '0')
      local upTo = tonumber(ARGV[2])
      if upTo <= base then
        return 0
      end
      if upTo > base + redis.call('LLEN', KEYS[2]) then
        return -3
      end
      redis.call('SET', KEYS[1], ARGV[1])
      redis.call('LTRIM', KEYS[2], string.format('%d', upTo - base), -1)
      redis.call('SET', KEYS[3], string.format('%d', upTo))
      return 1
      """;

  /**
   * ARGV[1] the sequence number of the last entry the digest includes, ARGV[2] the digest. Keeps it
   * unless one made at a later entry is kept already, or writes are closed (a closed meeting is
   * read from its final minutes; a digest made before its close must not outlive it). Returns 1
   * when kept, 0 when not, or UNKNOWN_DOCUMENT.
   */
  static final String SAVE_DIGEST =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      if redis.call('EXISTS', KEYS[4]) == 1 then
        return 0
      end
      local kept = redis.call('HGET', KEYS[5], 'seq')
      if kept and tonumber(kept) > tonumber(ARGV[1]) then
        return 0
      end
      redis.call('HSET', KEYS[5], 'seq', ARGV[1], 'digest', ARGV[2])
      return 1
      """;

  /**
   * Returns the kept digest as {seq it was made at, seq the log ends at, digest} (compaction moves
   * entries into the snapshot, not the end of the log), or nil when there is none.
   */
  static final String KEPT_DIGEST =
      """
      local digest = redis.call('HMGET', KEYS[5], 'seq', 'digest')
      if not digest[1] or not digest[2] then
        return false
      end
      local last = tonumber(redis.call('GET', KEYS[3]) or '0') + redis.call('LLEN', KEYS[2])
      return {digest[1], string.format('%d', last), digest[2]}
      """;

  /**
   * Returns 1 for the caller that closed the gate (which also drops the digest: a closed meeting is
   * read from its final minutes), 0 if it was already closed, or UNKNOWN_DOCUMENT.
   */
  static final String CLOSE_WRITES =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      if redis.call('SET', KEYS[4], '1', 'NX') then
        redis.call('DEL', KEYS[5])
        return 1
      end
      return 0
      """;

  /** Returns 1 when writes are closed, 0 when open, or UNKNOWN_DOCUMENT. */
  static final String WRITES_CLOSED_QUERY =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return -1
      end
      return redis.call('EXISTS', KEYS[4])
      """;

  /**
   * ARGV[1] cursor, ARGV[2] MATCH pattern, ARGV[3] COUNT hint. Returns SCAN's reply {nextCursor,
   * {keys...}}.
   */
  static final String SCAN_PAGE =
      """
      return redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])
      """;
}
