package dev.minutes.loadtool;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples the server processes and the load tool itself once a second (peak RSS) and measures CPU
 * over a window between {@link #startWindow} and {@link #endWindow}, for the server's processes
 * also per group of threads with their wake-ups. Threads are followed by id: one that starts within
 * the window counts from zero, one that ends within it is left out of the groups (its time stays in
 * the process' total).
 */
final class ResourceMonitor {
  private final List<ProcessStats> servers = new ArrayList<>();
  private final ProcessStats self = ProcessStats.self();
  private final long[] peakRss;
  private final double[] cpuAtStart;
  private final double[] cpuAtEnd;
  private final List<Map<String, ProcessStats.ThreadSample>> threadsAtStart = new ArrayList<>();
  private final List<Map<String, ProcessStats.ThreadSample>> threadsAtEnd = new ArrayList<>();
  private double selfCpuAtStart;
  private double selfCpuAtEnd;
  private long windowStart;
  private long windowEnd;
  private final long timer;
  private final Vertx vertx;

  ResourceMonitor(Vertx vertx, List<String> serverPids) {
    this.vertx = vertx;
    for (String pid : serverPids) {
      servers.add(new ProcessStats(pid.trim()));
    }
    peakRss = new long[servers.size()];
    cpuAtStart = new double[servers.size()];
    cpuAtEnd = new double[servers.size()];
    sampleRss();
    timer = vertx.setPeriodic(1000, id -> sampleRss());
  }

  synchronized void startWindow() {
    windowStart = System.nanoTime();
    threadsAtStart.clear();
    for (int i = 0; i < servers.size(); i++) {
      cpuAtStart[i] = cpu(servers.get(i));
      threadsAtStart.add(threads(servers.get(i)));
    }
    selfCpuAtStart = self.cpuSeconds();
  }

  synchronized void endWindow() {
    windowEnd = System.nanoTime();
    threadsAtEnd.clear();
    for (int i = 0; i < servers.size(); i++) {
      cpuAtEnd[i] = cpu(servers.get(i));
      threadsAtEnd.add(threads(servers.get(i)));
    }
    selfCpuAtEnd = self.cpuSeconds();
  }

  void stop() {
    vertx.cancelTimer(timer);
    sampleRss();
  }

  double windowSeconds() {
    return (windowEnd - windowStart) / 1e9;
  }

  /** Server CPU over the window, in percent of one core, all server processes together. */
  synchronized double serverCpuPercent() {
    double total = 0;
    for (int i = 0; i < servers.size(); i++) {
      total += cpuAtEnd[i] - cpuAtStart[i];
    }
    return 100 * total / windowSeconds();
  }

  synchronized double loadToolCpuPercent() {
    return 100 * (selfCpuAtEnd - selfCpuAtStart) / windowSeconds();
  }

  synchronized long serverPeakRss() {
    long total = 0;
    for (long rss : peakRss) {
      total += rss;
    }
    return total;
  }

  /** Current RSS of all server processes together. */
  synchronized long serverRssNow() {
    long total = 0;
    for (ProcessStats server : servers) {
      total += server.alive() ? server.rssBytes() : 0;
    }
    return total;
  }

  boolean measuresServer() {
    return !servers.isEmpty();
  }

  /** Wake-ups of all the server processes' threads within the window. */
  synchronized long serverWakeUps() {
    long total = 0;
    for (int i = 0; i < servers.size(); i++) {
      for (ProcessStats.ThreadTimes group : threadDeltas(i).values()) {
        total += group.wakeUps();
      }
    }
    return total;
  }

  synchronized JsonArray perProcess() {
    JsonArray out = new JsonArray();
    for (int i = 0; i < servers.size(); i++) {
      out.add(
          new JsonObject()
              .put("pid", servers.get(i).pid())
              .put("cpuPercent", round(100 * (cpuAtEnd[i] - cpuAtStart[i]) / windowSeconds()))
              .put("peakRssBytes", peakRss[i])
              .put("threads", threadsJson(threadDeltas(i))));
    }
    return out;
  }

  private Map<String, ProcessStats.ThreadTimes> threadDeltas(int process) {
    if (process >= threadsAtStart.size() || process >= threadsAtEnd.size()) {
      return Map.of(); // the window was not both opened and closed
    }
    return groupDeltas(threadsAtStart.get(process), threadsAtEnd.get(process));
  }

  /**
   * Each group's CPU and wake-ups between two samples, thread by thread: a thread missing from the
   * first sample started meanwhile and counts from zero; one missing from the second ended and is
   * left out.
   */
  static Map<String, ProcessStats.ThreadTimes> groupDeltas(
      Map<String, ProcessStats.ThreadSample> before, Map<String, ProcessStats.ThreadSample> after) {
    Map<String, ProcessStats.ThreadTimes> groups = new TreeMap<>();
    after.forEach(
        (threadId, now) -> {
          ProcessStats.ThreadSample earlier = before.get(threadId);
          ProcessStats.ThreadTimes delta =
              now.times().minus(earlier == null ? ProcessStats.ThreadTimes.NONE : earlier.times());
          groups.merge(now.group(), delta, ProcessStats.ThreadTimes::plus);
        });
    groups.values().removeIf(delta -> delta.cpuSeconds() == 0 && delta.wakeUps() == 0);
    return groups;
  }

  private JsonArray threadsJson(Map<String, ProcessStats.ThreadTimes> deltas) {
    JsonArray out = new JsonArray();
    deltas.entrySet().stream()
        .sorted(
            Comparator.comparingDouble(
                    (Map.Entry<String, ProcessStats.ThreadTimes> e) -> e.getValue().cpuSeconds())
                .reversed())
        .forEach(
            e ->
                out.add(
                    new JsonObject()
                        .put("name", e.getKey())
                        .put("cpuPercent", round(100 * e.getValue().cpuSeconds() / windowSeconds()))
                        .put("wakeUpsPerSecond", round(e.getValue().wakeUps() / windowSeconds()))));
    return out;
  }

  private static Map<String, ProcessStats.ThreadSample> threads(ProcessStats process) {
    try {
      return process.alive() ? process.threads() : Map.of();
    } catch (UncheckedIOException exited) {
      return Map.of(); // the process ended after the check: it has no threads left to count
    }
  }

  private synchronized void sampleRss() {
    for (int i = 0; i < servers.size(); i++) {
      ProcessStats server = servers.get(i);
      if (server.alive()) {
        peakRss[i] = Math.max(peakRss[i], server.rssBytes());
      }
    }
  }

  private static double cpu(ProcessStats process) {
    try {
      return process.alive() ? process.cpuSeconds() : 0;
    } catch (UncheckedIOException exited) {
      return 0; // ended after the check, as if it had been gone already
    }
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
