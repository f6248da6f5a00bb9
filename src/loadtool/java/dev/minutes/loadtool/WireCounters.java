package dev.minutes.loadtool;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.LongAdder;

/** Totals over every client of a run: bytes and frames on the wire, refusals and errors. */
final class WireCounters {
  final LongAdder bytesSent = new LongAdder();
  final LongAdder bytesReceived = new LongAdder();
  final LongAdder framesSent = new LongAdder();
  final LongAdder framesReceived = new LongAdder();

  /** {@code error} messages from the server (refusals). */
  final LongAdder refusals = new LongAdder();

  /** {@code doc-unavailable} answers. */
  final LongAdder unavailable = new LongAdder();

  /** Sockets that failed to connect or closed while the run still needed them. */
  final LongAdder socketErrors = new LongAdder();

  /**
   * Sync messages typists worked out with {@link LeanSync}, and how often one went back to
   * Automerge's sync.
   */
  final LongAdder leanMessages = new LongAdder();

  final LongAdder leanFallbacks = new LongAdder();

  /**
   * Keystrokes whose change the typist wrote itself ({@link KeystrokeChanges}) rather than
   * Automerge.
   */
  final LongAdder writtenKeystrokes = new LongAdder();

  JsonObject toJson() {
    return new JsonObject()
        .put("bytesSent", bytesSent.sum())
        .put("bytesReceived", bytesReceived.sum())
        .put("framesSent", framesSent.sum())
        .put("framesReceived", framesReceived.sum())
        .put("refusals", refusals.sum())
        .put("docUnavailable", unavailable.sum())
        .put("socketErrors", socketErrors.sum())
        .put("leanMessages", leanMessages.sum())
        .put("leanFallbacks", leanFallbacks.sum())
        .put("writtenKeystrokes", writtenKeystrokes.sum());
  }

  long errors() {
    return refusals.sum() + unavailable.sum() + socketErrors.sum();
  }
}
