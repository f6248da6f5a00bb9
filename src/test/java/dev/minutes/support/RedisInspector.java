package dev.minutes.support;

import dev.minutes.store.RedisKeys;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Reads a node's keys straight from Redis so that tests can check what was (not) stored, bypassing
 * the code under test. Blocking (Redisson's sync API): use it on the test thread only, never on an
 * event loop.
 */
public final class RedisInspector implements AutoCloseable {
  private final RedissonClient client;
  private final RedisKeys keys;

  private RedisInspector(RedissonClient client, String prefix) {
    this.client = client;
    this.keys = new RedisKeys(prefix);
  }

  /** Connects to the shared test Redis and inspects the keys under {@code prefix}. */
  public static RedisInspector open(String prefix) {
    Config config = new Config();
    config.setCodec(ByteArrayCodec.INSTANCE);
    config.setNettyThreads(2);
    config.setThreads(1);
    config
        .useSingleServer()
        .setAddress(RedisHarness.url())
        .setConnectionMinimumIdleSize(1)
        .setConnectionPoolSize(2);
    return new RedisInspector(Redisson.create(config), prefix);
  }

  /** Every key under the prefix. */
  public Set<String> keys() {
    return client
        .getKeys()
        .getKeysStreamByPattern(keys.prefixPattern())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The keys that hold meetings, documents and tokens (what creating or closing a meeting writes),
   * digests aside.
   */
  public Set<String> meetingKeys() {
    return keys().stream()
        .filter(key -> !isDigest(key))
        .filter(
            key ->
                key.startsWith(keys.prefix() + "meeting:")
                    || key.startsWith(keys.prefix() + "doc:")
                    || key.startsWith(keys.prefix() + "token:"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Key → hex of its DUMP for the keys of one meeting (record, lease, document keys; its digest
   * aside): compare before and after.
   */
  public Map<String, String> meetingState(String meetingId) {
    Map<String, String> state = new TreeMap<>();
    for (String key : keys()) {
      if (key.contains("{" + meetingId + "}") && !isDigest(key)) {
        byte[] dump = client.getBucket(key, ByteArrayCodec.INSTANCE).dump();
        state.put(key, dump == null ? "" : HexFormat.of().formatHex(dump));
      }
    }
    return state;
  }

  /**
   * A document's digest is derived from it and kept by whichever session unloads, in the
   * background, whenever that is (an earlier test's meeting, too): not state a request writes.
   */
  private static boolean isDigest(String key) {
    return key.endsWith(":digest");
  }

  /** The meeting's record (hash fields), empty when unknown. */
  public Map<String, String> meeting(String meetingId) {
    return client
        .<String, String>getMap(keys.prefix() + "meeting:{" + meetingId + "}", StringCodec.INSTANCE)
        .readAllMap();
  }

  /** The series' record (hash fields), empty when unknown. */
  public Map<String, String> seriesRecord(String seriesId) {
    return client
        .<String, String>getMap(keys.prefix() + "series:{" + seriesId + "}", StringCodec.INSTANCE)
        .readAllMap();
  }

  /** Number of entries in the document's log (changes not yet folded into its snapshot). */
  public int logLength(String documentId) {
    return client.getList(keys.log(documentId), ByteArrayCodec.INSTANCE).size();
  }

  /** The log entries, oldest first. */
  public List<byte[]> log(String documentId) {
    return client.<byte[]>getList(keys.log(documentId), ByteArrayCodec.INSTANCE).readAll();
  }

  /** The document's snapshot bytes. */
  public byte[] snapshot(String documentId) {
    return client.<byte[]>getBucket(keys.snapshot(documentId), ByteArrayCodec.INSTANCE).get();
  }

  public boolean writesClosed(String documentId) {
    return client.getBucket(keys.gate(documentId), ByteArrayCodec.INSTANCE).isExists();
  }

  /** Sets a string key that expires (e.g. a close lease held by a node that crashed). */
  public void setExpiring(String key, String value, java.time.Duration ttl) {
    client.<String>getBucket(key, StringCodec.INSTANCE).set(value, ttl);
  }

  /** The close lease key of a meeting. */
  public String leaseKey(String meetingId) {
    return keys.prefix() + "meeting:{" + meetingId + "}:lease";
  }

  /**
   * Makes a closed meeting look as a version before publication names were reserved left it: no
   * name in its record, none in the names hash.
   */
  public void forgetPublicationNames(String meetingId) {
    client
        .getMap(keys.prefix() + "meeting:{" + meetingId + "}", StringCodec.INSTANCE)
        .fastRemove("publishedName", "publishedPermalink");
    client.getKeys().delete(keys.publicationNames());
  }

  /** The meetings whose close was asked for and is not noted finished. */
  public Set<String> unfinishedCloses() {
    return client.<String>getSet(keys.unfinishedCloses(), StringCodec.INSTANCE).readAll();
  }

  /** Deletes a key (e.g. to let a lease expire at once). */
  public boolean delete(String key) {
    return client.getBucket(key, ByteArrayCodec.INSTANCE).delete();
  }

  public String prefix() {
    return keys.prefix();
  }

  @Override
  public void close() {
    client.shutdown();
  }
}
