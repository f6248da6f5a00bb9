package dev.minutes.store;

import io.vertx.core.Future;
import java.util.function.Consumer;

/**
 * Wake-ups for new log entries, published by every successful append as "{@code <documentId>
 * <seq>}" on one channel (in a Redis Cluster, on a channel per document: see {@link
 * DocumentWatch}).
 *
 * <p>An announcement carries no data: a receiver that is behind calls {@link
 * DocumentStore#readSince} with the last sequence number it merged. Announcements are best effort.
 * Pub/sub drops messages while a subscriber is disconnected and a slow receiver may see them late,
 * so callers must also catch up on their own, at least whenever {@code onResubscribed} fires and
 * whenever they (re)load a document.
 */
public interface ChangeFeed extends DocumentWatch {

  /**
   * Subscribes; the future completes once Redis confirmed the subscription, so appends made
   * afterwards are announced. {@code listener} runs on the Vert.x context that called {@code
   * start}.
   */
  default Future<Void> start(Consumer<Announcement> listener) {
    return start(listener, () -> {});
  }

  /**
   * Like {@link #start(Consumer)}; {@code onResubscribed} runs (on the same context) each time the
   * subscription is re-established after a lost connection, the moment to catch up on everything
   * that may have been missed.
   */
  Future<Void> start(Consumer<Announcement> listener, Runnable onResubscribed);

  /** Unsubscribes. Safe to call when not started. */
  Future<Void> stop();

  /** Nothing to do where one subscription carries every document (see {@link DocumentWatch}). */
  @Override
  default Future<Void> watch(String documentId) {
    return Future.succeededFuture();
  }

  @Override
  default Future<Void> unwatch(String documentId) {
    return Future.succeededFuture();
  }
}
