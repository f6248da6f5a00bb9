package dev.minutes.sync;

import io.vertx.core.Future;

/**
 * The documents a connection's token opens. Asked once per document a connection starts to sync, so
 * a series token also opens a call started after the connection opened.
 */
@FunctionalInterface
public interface DocumentScope {

  /**
   * Whether the document is in scope. A scope that knows without I/O answers with a completed
   * future; a failed future means the answer is unknown (the connection is told to retry).
   */
  Future<Boolean> includes(String documentId);

  /** Exactly one document. */
  static DocumentScope only(String documentId) {
    return candidate -> Future.succeededFuture(documentId.equals(candidate));
  }
}
