package dev.minutes.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.redisson.api.RScript;

/**
 * Who published under which name, so that no meeting ever takes another's: one hash, {@code
 * <prefix>publication-names}, from {@code file:<name>} and {@code permalink:<permalink>} to the
 * meeting id. A name once taken stays taken (the file stays published).
 *
 * <p>One key, so the reservation is one atomic step on any Redis, a cluster included: two nodes
 * closing two meetings of the same date at the same moment get different names.
 */
public final class PublicationNames {
  /**
   * KEYS[1] the names; ARGV[1] meeting, ARGV[2] file stem, ARGV[3] permalink ('' = none), ARGV[4]
   * the limit, ARGV[5…] file names a target already holds. Returns the first n (1, 2, …) whose
   * names ({@code stem}/{@code stem-n}, {@code permalink}/{@code permalink-n}) are free or the
   * meeting's own, having taken them, or -1 past the limit. A file a target holds is free only to
   * the meeting recorded as its publisher (a close repeated after a crash finds its own file).
   */
  private static final String RESERVE =
      """
      local held = {}
      for i = 5, #ARGV do
        held[ARGV[i]] = true
      end
      for n = 1, tonumber(ARGV[4]) do
        local suffix = ''
        if n > 1 then
          suffix = '-' .. n
        end
        local file = 'file:' .. ARGV[2] .. suffix
        local fileOwner = redis.call('HGET', KEYS[1], file)
        if not fileOwner and held[ARGV[2] .. suffix .. '.md'] then
          fileOwner = ''
        end
        local link = false
        local linkOwner = false
        if ARGV[3] ~= '' then
          link = 'permalink:' .. ARGV[3] .. suffix
          linkOwner = redis.call('HGET', KEYS[1], link)
        end
        if (not fileOwner or fileOwner == ARGV[1]) and (not linkOwner or linkOwner == ARGV[1]) then
          redis.call('HSET', KEYS[1], file, ARGV[1])
          if link then
            redis.call('HSET', KEYS[1], link, ARGV[1])
          end
          return n
        end
      end
      return -1
      """;

  /** More same-date publications than anyone holds meetings in a day. */
  static final int MAX_SUFFIX = 1000;

  private final RedisConnection connection;

  public PublicationNames(RedisConnection connection) {
    this.connection = connection;
  }

  /**
   * Reserves the first free pair of names for the meeting: {@code stem}/{@code permalink} as they
   * are (n = 1), else suffixed {@code -2}, {@code -3}… A file name in {@code heldFiles} (files a
   * publish target already holds, e.g. written before this Redis knew of them) is taken unless this
   * meeting was recorded as its publisher. Repeating it for the same meeting and names gives the
   * same n. Fails with an {@link IllegalStateException} past {@value #MAX_SUFFIX}.
   */
  public Future<Integer> reserve(
      String meetingId, String stem, String permalink, Collection<String> heldFiles) {
    List<Object> args =
        new ArrayList<>(List.of(meetingId, stem, permalink, Integer.toString(MAX_SUFFIX)));
    args.addAll(heldFiles);
    return Scripts.evalDurably(
            connection,
            RESERVE,
            RScript.ReturnType.INTEGER,
            List.of(connection.keys().publicationNames()),
            args.toArray(),
            "reserve publication name")
        .map(
            result -> {
              long n = (Long) result;
              if (n < 1) {
                throw new IllegalStateException(
                    "more than " + MAX_SUFFIX + " publications named " + stem);
              }
              return (int) n;
            });
  }
}
