package dev.minutes.loadtool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.automerge.ChangeHash;

/**
 * What the typists of one meeting share so that a receiver can tell which keystrokes it now holds.
 *
 * <p>Every change a typist makes is registered under its hash with a vector clock: for each author
 * of the meeting, the highest keystroke number the change's causal history contains (the author's
 * own keystroke included). A receiver that finds a registered hash among its heads therefore holds
 * every keystroke that clock covers, whichever message carried it. Each author writes its send
 * times before it registers the hash that covers them, so a reader that found the hash also sees
 * the times.
 */
final class MeetingLedger {
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MAX_CHUNKS = 4096;

  private final int size;
  private final Map<ChangeHash, int[]> clocks = new ConcurrentHashMap<>();

  /**
   * Per author: send time in nanoseconds of keystroke n (1-based) at [n >> 12][n & 4095]; -1 = not
   * measured.
   */
  private final long[][][] sentAt;

  private final int[] lastSeq;

  MeetingLedger(int size) {
    this.size = size;
    this.sentAt = new long[size][MAX_CHUNKS][];
    this.lastSeq = new int[size];
  }

  int size() {
    return size;
  }

  /** Called by the author only, before anyone can receive the change. */
  void register(int author, int seq, long sentAtNanos, ChangeHash hash, int[] clock) {
    long[][] chunks = sentAt[author];
    int chunk = seq >>> CHUNK_BITS;
    if (chunks[chunk] == null) {
      chunks[chunk] = new long[CHUNK];
    }
    chunks[chunk][seq & (CHUNK - 1)] = sentAtNanos;
    synchronized (lastSeq) {
      lastSeq[author] = seq;
    }
    clocks.put(hash, clock);
  }

  /**
   * The clock of a change made by a typist of this meeting, or null (e.g. the meeting's initial
   * change).
   */
  int[] clockOf(ChangeHash hash) {
    return clocks.get(hash);
  }

  long sentAt(int author, int seq) {
    return sentAt[author][seq >>> CHUNK_BITS][seq & (CHUNK - 1)];
  }

  /** The highest keystroke number of every author, once typing stopped. */
  int[] lastSeqs() {
    synchronized (lastSeq) {
      return lastSeq.clone();
    }
  }

  static int maxKeystrokesPerAuthor() {
    return CHUNK * MAX_CHUNKS - 1;
  }
}
