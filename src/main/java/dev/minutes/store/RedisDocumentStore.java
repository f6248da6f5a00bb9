package dev.minutes.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * {@link DocumentStore} on Redis. Every multi-step change is one Lua script (see {@link
 * LuaScripts}), so concurrent nodes never observe or produce a half-done append, compaction or
 * close.
 *
 * <p>All commands go to the master ({@code READ_WRITE} mode) even when they only read: a node that
 * was just woken by an announcement must see the entry announced, which a lagging replica might not
 * have yet.
 */
public final class RedisDocumentStore implements DocumentStore {

  private static final byte[] RESPECT_GATE = ascii("1");
  private static final byte[] IGNORE_GATE = ascii("0");
  private static final byte[] PUBLISH = ascii("PUBLISH");
  private static final byte[] SHARD_PUBLISH = ascii("SPUBLISH");

  private final Vertx vertx;
  private final RedissonClient client;
  private final RedisKeys keys;
  private final RScript script;
  private final byte[] changesChannel;
  private final boolean clustered;
  private final DurableWrites durableWrites;

  public RedisDocumentStore(RedisConnection connection) {
    this.vertx = connection.vertx();
    this.durableWrites = connection.durableWrites();
    this.client = connection.client();
    this.keys = connection.keys();
    // Script arguments go through the codec: with ByteArrayCodec every argument is a byte[] passed
    // verbatim.
    this.script = client.getScript(ByteArrayCodec.INSTANCE);
    this.changesChannel = ascii(keys.changesChannel());
    this.clustered = connection.clustered();
  }

  @Override
  public Future<Void> create(String documentId, byte[] snapshot) {
    return withValidId(
        documentId,
        () -> {
          requireBytes(snapshot, "snapshot");
          return this.<Long>evalDurably(
                  "create", LuaScripts.CREATE, RScript.ReturnType.INTEGER, documentId, snapshot)
              .compose(
                  created ->
                      created == 1L
                          ? Future.<Void>succeededFuture()
                          : Future.failedFuture(
                              new StoreException(
                                  StoreException.Reason.DOCUMENT_EXISTS,
                                  "document " + documentId + " already exists")));
        });
  }

  @Override
  public Future<Boolean> exists(String documentId) {
    return withValidId(
        documentId,
        () -> {
          RFuture<Long> count = client.getKeys().countExistsAsync(keys.snapshot(documentId));
          return RedisFutures.toVertx(count, context(), "exists " + documentId)
              .map(found -> found > 0);
        });
  }

  @Override
  public Future<Optional<StoredDocument>> load(String documentId) {
    return withValidId(
        documentId,
        () ->
            readReply(documentId, -1)
                .map(
                    reply ->
                        reply.map(
                            slice ->
                                new StoredDocument(
                                    slice.snapshot().orElseThrow(),
                                    slice.changes(),
                                    slice.lastSeq()))));
  }

  @Override
  public Future<Long> append(String documentId, byte[] changes) {
    return appendChecked(documentId, changes, RESPECT_GATE);
  }

  @Override
  public Future<Long> appendSystem(String documentId, byte[] changes) {
    return appendChecked(documentId, changes, IGNORE_GATE);
  }

  private Future<Long> appendChecked(String documentId, byte[] changes, byte[] gateMode) {
    return withValidId(
        documentId,
        () -> {
          requireBytes(changes, "change chunk");
          if (changes.length == 0) {
            throw new IllegalArgumentException("change chunk must not be empty");
          }
          return this.<Long>evalDurably(
                  "append",
                  LuaScripts.APPEND,
                  RScript.ReturnType.INTEGER,
                  documentId,
                  changes,
                  gateMode,
                  clustered ? ascii(keys.changes(documentId)) : changesChannel,
                  ascii(documentId),
                  clustered ? SHARD_PUBLISH : PUBLISH)
              .compose(
                  seq -> {
                    if (seq == LuaScripts.UNKNOWN_DOCUMENT) {
                      return Future.failedFuture(unknown(documentId));
                    }
                    if (seq == LuaScripts.WRITES_CLOSED) {
                      return Future.failedFuture(
                          new StoreException(
                              StoreException.Reason.WRITES_CLOSED,
                              "writes to document " + documentId + " are closed"));
                    }
                    return Future.succeededFuture(seq);
                  });
        });
  }

  @Override
  public Future<LogSlice> readSince(String documentId, long afterSeq) {
    return withValidId(
        documentId,
        () -> {
          if (afterSeq < 0) {
            throw new IllegalArgumentException("afterSeq must not be negative: " + afterSeq);
          }
          return readReply(documentId, afterSeq)
              .compose(
                  reply ->
                      reply
                          .map(Future::succeededFuture)
                          .orElseGet(() -> Future.failedFuture(unknown(documentId))));
        });
  }

  /** Runs READ_SINCE and decodes its flat reply; empty when the document is unknown. */
  private Future<Optional<LogSlice>> readReply(String documentId, long afterSeq) {
    return this.<List<Object>>eval(
            "read",
            LuaScripts.READ_SINCE,
            RScript.ReturnType.MULTI,
            documentId,
            ascii(Long.toString(afterSeq)))
        .map(RedisDocumentStore::decodeSlice);
  }

  private static Optional<LogSlice> decodeSlice(List<Object> reply) {
    long status = (Long) reply.get(0);
    if (status == LuaScripts.UNKNOWN_DOCUMENT) {
      return Optional.empty();
    }
    long lastSeq = (Long) reply.get(1);
    int firstEntry = status == 1 ? 3 : 2;
    Optional<byte[]> snapshot = status == 1 ? Optional.of((byte[]) reply.get(2)) : Optional.empty();
    List<byte[]> changes = new ArrayList<>(reply.size() - firstEntry);
    for (int i = firstEntry; i < reply.size(); i++) {
      changes.add((byte[]) reply.get(i));
    }
    return Optional.of(new LogSlice(snapshot, changes, lastSeq));
  }

  @Override
  public Future<Void> compact(String documentId, byte[] snapshot, long upToSeq) {
    return withValidId(
        documentId,
        () -> {
          requireBytes(snapshot, "snapshot");
          return this.<Long>eval(
                  "compact",
                  LuaScripts.COMPACT,
                  RScript.ReturnType.INTEGER,
                  documentId,
                  snapshot,
                  ascii(Long.toString(upToSeq)))
              .compose(
                  result -> {
                    if (result == LuaScripts.UNKNOWN_DOCUMENT) {
                      return Future.failedFuture(unknown(documentId));
                    }
                    if (result == LuaScripts.BEYOND_LOG_END) {
                      return Future.failedFuture(
                          new IllegalArgumentException(
                              "cannot compact document "
                                  + documentId
                                  + " up to "
                                  + upToSeq
                                  + ": no such entry"));
                    }
                    return Future.succeededFuture();
                  });
        });
  }

  @Override
  public Future<Long> pendingLogEntries(String documentId) {
    return withValidId(
        documentId,
        () -> {
          RFuture<Integer> size =
              client.getList(keys.log(documentId), ByteArrayCodec.INSTANCE).sizeAsync();
          return RedisFutures.toVertx(size, context(), "pending entries of " + documentId)
              .map(Integer::longValue);
        });
  }

  @Override
  public Future<Boolean> saveDigest(String documentId, long seq, byte[] digest) {
    return withValidId(
        documentId,
        () -> {
          requireBytes(digest, "digest");
          return this.<Long>eval(
                  "save digest",
                  LuaScripts.SAVE_DIGEST,
                  RScript.ReturnType.INTEGER,
                  documentId,
                  ascii(Long.toString(seq)),
                  digest)
              .compose(
                  result ->
                      result == LuaScripts.UNKNOWN_DOCUMENT
                          ? Future.failedFuture(unknown(documentId))
                          : Future.succeededFuture(result == 1L));
        });
  }

  @Override
  public Future<Optional<KeptDigest>> keptDigest(String documentId) {
    return withValidId(
        documentId,
        () ->
            this.<List<byte[]>>eval(
                    "kept digest", LuaScripts.KEPT_DIGEST, RScript.ReturnType.MULTI, documentId)
                .map(RedisDocumentStore::keptDigestOf));
  }

  /** {seq made at, seq the log ends at, digest}, or nothing. */
  private static Optional<KeptDigest> keptDigestOf(List<byte[]> answer) {
    if (answer == null || answer.size() != 3) {
      return Optional.empty();
    }
    long madeAt = Long.parseLong(new String(answer.get(0), StandardCharsets.US_ASCII));
    long logEnd = Long.parseLong(new String(answer.get(1), StandardCharsets.US_ASCII));
    return Optional.of(new KeptDigest(answer.get(2), madeAt, madeAt == logEnd));
  }

  @Override
  public Future<Boolean> closeWrites(String documentId) {
    return gateScript("close writes", LuaScripts.CLOSE_WRITES, documentId);
  }

  @Override
  public Future<Boolean> writesClosed(String documentId) {
    return gateScript("writes closed", LuaScripts.WRITES_CLOSED_QUERY, documentId);
  }

  /** A script on the write gate answering 1 (closed), 0, or UNKNOWN_DOCUMENT. */
  private Future<Boolean> gateScript(String what, String script, String documentId) {
    return withValidId(
        documentId,
        () ->
            this.<Long>eval(what, script, RScript.ReturnType.INTEGER, documentId)
                .compose(
                    result ->
                        result == LuaScripts.UNKNOWN_DOCUMENT
                            ? Future.failedFuture(unknown(documentId))
                            : Future.succeededFuture(result == 1L)));
  }

  @Override
  public Future<Void> delete(String documentId) {
    return withValidId(
        documentId,
        () -> {
          // One DEL over keys that share a hash slot: atomic, so nobody sees a half-deleted
          // document.
          RFuture<Long> deleted =
              client.getKeys().deleteAsync(keys.documentKeys(documentId).toArray(String[]::new));
          return RedisFutures.toVertx(deleted, context(), "delete " + documentId).mapEmpty();
        });
  }

  /**
   * A write whose success reaches a client (a document created, changes appended): acknowledged
   * only once as durable as configured (MINUTES_REDIS_MIN_REPLICAS).
   */
  private <T> Future<T> evalDurably(
      String operation,
      String lua,
      RScript.ReturnType returnType,
      String documentId,
      Object... args) {
    return RedisFutures.toVertx(
        durableWrites.<T>eval(
            ByteArrayCodec.INSTANCE, lua, returnType, keys.documentKeys(documentId), args),
        context(),
        operation + " " + documentId);
  }

  private <T> Future<T> eval(
      String operation,
      String lua,
      RScript.ReturnType returnType,
      String documentId,
      Object... args) {
    RFuture<T> result =
        script.evalAsync(
            RScript.Mode.READ_WRITE, lua, returnType, keys.documentKeys(documentId), args);
    return RedisFutures.toVertx(result, context(), operation + " " + documentId);
  }

  private Context context() {
    return vertx.getOrCreateContext();
  }

  /** Turns argument errors into failed futures, so callers handle every outcome in one place. */
  private static <T> Future<T> withValidId(
      String documentId, java.util.function.Supplier<Future<T>> operation) {
    try {
      RedisKeys.requireValidDocumentId(documentId);
      return operation.get();
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  private static void requireBytes(byte[] bytes, String what) {
    if (bytes == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
  }

  private static StoreException unknown(String documentId) {
    return new StoreException(
        StoreException.Reason.UNKNOWN_DOCUMENT, "document " + documentId + " does not exist");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
