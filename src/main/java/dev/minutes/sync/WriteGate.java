package dev.minutes.sync;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session believes of its meeting's write gate, and the changes that wait while it believes
 * the meeting closed. The store's gate decides before such a change is refused: the notice of a
 * reopening goes over pub/sub and can be lost (a dropped subscription, a node that was away), and a
 * session that missed it would otherwise refuse every change until it unloads, while its peers
 * already read "open" in the document. The gate is read at most once per {@code readInterval};
 * changes wait for the answer, in order, and also behind changes already waiting (a reopening came
 * meanwhile), so that they keep their order.
 *
 * <p>Used on the session's context only. {@code T} is what waits (the session's incoming messages).
 */
final class WriteGate<T> {
  private static final Logger log = LoggerFactory.getLogger(WriteGate.class);

  /** Where the changes that waited go once the gate was read. */
  interface Outcome<T> {
    /** The meeting is open (or became open or closed meanwhile): look at them again, in order. */
    void retry(List<T> waited);

    /** The meeting is closed, or the gate could not be read: refuse them. */
    void refuse(List<T> waited);

    /** The store's gate was open though no reopen notice came: the session takes changes again. */
    void foundOpen();
  }

  private final String documentId;
  private final Vertx vertx;
  private final Context context;
  private final Supplier<Future<Boolean>> readStore;
  private final long readIntervalNanos;
  private final int maxWaiting;
  private final Outcome<T> outcome;
  private final LongSupplier clock;
  private final List<T> waiting = new ArrayList<>();

  private boolean closed;

  /** How many closes and reopenings this session has been told of (see {@link #answered}). */
  private int told;

  private boolean readPending;
  private boolean stopped;
  private long readAt;
  private long readTimer = -1;

  /**
   * {@code readStore}: asks the store whether the meeting's writes are closed (true) or open.
   * {@code closed}: what the store said when the session loaded. {@code clock}: nanoseconds, as
   * {@link System#nanoTime} (tests pass their own).
   */
  WriteGate(
      String documentId,
      Vertx vertx,
      Context context,
      Supplier<Future<Boolean>> readStore,
      long readIntervalMillis,
      int maxWaiting,
      boolean closed,
      Outcome<T> outcome,
      LongSupplier clock) {
    this.documentId = documentId;
    this.vertx = vertx;
    this.context = context;
    this.readStore = readStore;
    this.readIntervalNanos = readIntervalMillis * 1_000_000L;
    this.maxWaiting = maxWaiting;
    this.closed = closed;
    this.outcome = outcome;
    this.clock = clock;
    this.readAt = clock.getAsLong() - readIntervalNanos;
  }

  boolean closed() {
    return closed;
  }

  /** The meeting closed (a notice, or the store refused an append): every change is refused. */
  void close() {
    closed = true;
    told++;
  }

  /** The meeting was reopened for corrections: changes are taken again. */
  void reopen() {
    closed = false;
    told++;
  }

  /** Whether a message (with changes or not) has to wait for the gate instead of going on now. */
  boolean mustWait(boolean changesIncluded) {
    return changesIncluded && (closed || !waiting.isEmpty());
  }

  /**
   * Keeps a message with changes until the gate is read. False when too many wait already: the
   * caller refuses it as closed.
   */
  boolean hold(T message) {
    if (waiting.size() >= maxWaiting) {
      return false;
    }
    waiting.add(message);
    if (readPending) {
      return true;
    }
    readPending = true;
    long waitNanos = readAt + readIntervalNanos - clock.getAsLong();
    if (waitNanos <= 0) {
      read();
    } else {
      readTimer =
          vertx.setTimer(
              Math.max(1, waitNanos / 1_000_000),
              timer -> {
                readTimer = -1;
                read();
              });
    }
    return true;
  }

  /** The session unloaded: no more reads, and what waits is dropped with it. */
  void stop() {
    stopped = true;
    waiting.clear();
    if (readTimer != -1) {
      vertx.cancelTimer(readTimer);
    }
  }

  private void read() {
    if (stopped) {
      return;
    }
    int asOf = told;
    Future<Boolean> gate;
    try {
      gate = readStore.get();
    } catch (RuntimeException e) {
      gate = Future.failedFuture(e);
    }
    gate.onComplete(answer -> context.runOnContext(v -> answered(answer, asOf)));
  }

  /**
   * {@code asOf}: how many closes and reopenings this session had been told of when it asked. An
   * answer that a close or reopening overtook says nothing about now: what waited is looked at
   * again.
   */
  private void answered(AsyncResult<Boolean> gate, int asOf) {
    readPending = false;
    readAt = clock.getAsLong();
    if (stopped) {
      return;
    }
    List<T> waited = List.copyOf(waiting);
    waiting.clear();
    if (asOf != told) {
      outcome.retry(waited);
      return;
    }
    if (closed && gate.succeeded() && !gate.result()) {
      log.warn(
          "document {}: the meeting's write gate is open though no reopen notice came;"
              + " accepting changes again",
          documentId);
      closed = false;
      outcome.foundOpen();
    }
    if (!closed) {
      outcome.retry(waited);
      return;
    }
    if (gate.failed()) {
      log.warn(
          "document {}: cannot read the write gate ({}); refusing changes as closed",
          documentId,
          gate.cause().getMessage());
    }
    outcome.refuse(waited);
  }
}
