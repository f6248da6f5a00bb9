package dev.minutes.support;

import dev.minutes.meeting.MeetingDocument;
import dev.minutes.store.RedisConnection;
import dev.minutes.store.RedisDocumentStore;
import dev.minutes.store.RedisTopology;
import dev.minutes.store.StoredDocument;
import dev.minutes.sync.AutomergeObjects;
import dev.minutes.sync.codec.DocumentIds;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * What Redis holds of a meeting, read through a connection of its own (not through any node): the
 * check behind "every acknowledged edit is still there". Blocking: call it from a test thread.
 */
public final class StoredMinutes {
  private StoredMinutes() {}

  /** The {@code body} of the document behind {@code documentUrl} as stored under {@code prefix}. */
  public static String body(Vertx vertx, RedisTopology redis, String prefix, String documentUrl)
      throws Exception {
    String documentId = DocumentIds.fromUrl(documentUrl);
    RedisConnection connection =
        RedisConnection.connect(vertx, redis, prefix, 0).await(60, TimeUnit.SECONDS);
    try {
      StoredDocument stored =
          new RedisDocumentStore(connection)
              .load(documentId)
              .await(60, TimeUnit.SECONDS)
              .orElseThrow(
                  () -> new IllegalStateException("document " + documentId + " is not stored"));
      return new MeetingDocument(new AutomergeObjects())
          .current(stored.snapshot(), stored.changes())
          .body();
    } finally {
      connection.close().await(30, TimeUnit.SECONDS);
    }
  }
}
