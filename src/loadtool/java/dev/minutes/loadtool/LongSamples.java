package dev.minutes.loadtool;

import java.util.Arrays;

/**
 * A growable list of latencies in nanoseconds, written by one thread; merged and sorted for
 * percentiles.
 */
final class LongSamples {
  private long[] values = new long[1024];
  private int count;

  void add(long value) {
    if (count == values.length) {
      values = Arrays.copyOf(values, values.length * 2);
    }
    values[count++] = value;
  }

  int count() {
    return count;
  }

  /** A copy of the samples added from index {@code from} (inclusive) to {@code to} (exclusive). */
  LongSamples slice(int from, int to) {
    LongSamples part = new LongSamples();
    part.values = Arrays.copyOfRange(values, from, Math.max(from + 1, to));
    part.count = to - from;
    return part;
  }

  static Percentiles percentiles(Iterable<LongSamples> parts) {
    int total = 0;
    for (LongSamples part : parts) {
      total += part.count;
    }
    long[] all = new long[total];
    int at = 0;
    for (LongSamples part : parts) {
      System.arraycopy(part.values, 0, all, at, part.count);
      at += part.count;
    }
    Arrays.sort(all);
    return Percentiles.of(all);
  }

  /** Latency percentiles in milliseconds. */
  record Percentiles(long count, double p50, double p95, double p99, double max) {
    static Percentiles of(long[] sorted) {
      if (sorted.length == 0) {
        return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
      }
      return new Percentiles(
          sorted.length,
          ms(at(sorted, 0.50)),
          ms(at(sorted, 0.95)),
          ms(at(sorted, 0.99)),
          ms(sorted[sorted.length - 1]));
    }

    private static long at(long[] sorted, double quantile) {
      int index = (int) Math.ceil(quantile * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
      return nanos / 1_000_000.0;
    }
  }
}
