package dev.minutes.store;

import io.vertx.core.Future;
import java.util.List;

/**
 * Subscriptions that follow the documents a node has loaded. On one Redis server a single channel
 * carries every document's messages and watching is free; in a Redis Cluster each document has
 * channels of its own slot (sharded pub/sub), and a node subscribes to those of the documents it
 * holds: a watch must be in place before the document is read, so nothing announced after the read
 * is missed.
 */
public interface DocumentWatch {

  /** Watches nothing: for one server, where one subscription carries every document. */
  DocumentWatch NONE =
      new DocumentWatch() {
        @Override
        public Future<Void> watch(String documentId) {
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> unwatch(String documentId) {
          return Future.succeededFuture();
        }
      };

  /** Completes once messages about the document published from now on reach this node. */
  Future<Void> watch(String documentId);

  /** Undoes one {@link #watch}; the last one for a document ends its subscriptions. */
  Future<Void> unwatch(String documentId);

  /** All of these watches, as one. */
  static DocumentWatch all(List<DocumentWatch> watches) {
    return new DocumentWatch() {
      @Override
      public Future<Void> watch(String documentId) {
        return Future.all(watches.stream().map(w -> w.watch(documentId)).toList()).mapEmpty();
      }

      @Override
      public Future<Void> unwatch(String documentId) {
        return Future.join(watches.stream().map(w -> w.unwatch(documentId)).toList()).mapEmpty();
      }
    };
  }
}
