package dev.minutes.loadtool;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The tool's other processes (Node workers): CPU in all, and of the main thread that runs JS. */
  private final List<ProcessStats> helpers = new ArrayList<>();

  private final Map<String, double[]> helperCpu = new TreeMap<>();

  /** The whole machine's busy and total CPU ticks (/proc/stat) at the window's start and end. */
  private long[] machineAtStart = new long[2];

  private long[] machineAtEnd = new long[2];
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
    machineAtStart = machineTicks();
    for (ProcessStats helper : helpers) {
      helperCpu.put(helper.pid(), new double[] {cpu(helper), mainThreadCpu(helper), 0, 0});
    }
  }

  synchronized void endWindow() {
    windowEnd = System.nanoTime();
    threadsAtEnd.clear();
    for (int i = 0; i < servers.size(); i++) {
      cpuAtEnd[i] = cpu(servers.get(i));
      threadsAtEnd.add(threads(servers.get(i)));
    }
    selfCpuAtEnd = self.cpuSeconds();
    machineAtEnd = machineTicks();
    for (ProcessStats helper : helpers) {
      double[] times = helperCpu.get(helper.pid());
      if (times != null) {
        times[2] = cpu(helper);
        times[3] = mainThreadCpu(helper);
      }
    }
  }

  /** Processes of the tool besides this one, measured like it (before the window starts). */
  synchronized void addToolProcesses(List<String> pids) {
    pids.forEach(pid -> helpers.add(new ProcessStats(pid)));
  }

  /**
   * Each helper process' CPU over the window, and its main thread's: a Node process runs its
   * clients on that one thread, so one near 100 % of a core is saturated.
   */
  synchronized JsonArray toolProcesses() {
    JsonArray out = new JsonArray();
    helperCpu.forEach(
        (pid, t) ->
            out.add(
                new JsonObject()
                    .put("pid", pid)
                    .put("cpuPercent", round(100 * (t[2] - t[0]) / windowSeconds()))
                    .put("mainThreadCpuPercent", round(100 * (t[3] - t[1]) / windowSeconds()))));
    return out;
  }

  private static double mainThreadCpu(ProcessStats process) {
    try {
      ProcessStats.ThreadSample main =
          process.alive() ? process.threads().get(process.pid()) : null;
      return main == null ? 0 : main.times().cpuSeconds();
    } catch (UncheckedIOException exited) {
      return 0;
    }
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

  /** This process and its helpers together. */
  synchronized double loadToolCpuPercent() {
    double total = selfCpuAtEnd - selfCpuAtStart;
    for (double[] t : helperCpu.values()) {
      total += t[2] - t[0];
    }
    return 100 * total / windowSeconds();
  }

  /**
   * The whole machine's CPU over the window, in percent of one core (at most cores × 100): near
   * that limit the server and the tool waited for each other and for whatever else ran, whatever
   * each process' own figure says.
   */
  synchronized double machineCpuPercent() {
    long total = machineAtEnd[1] - machineAtStart[1];
    return total <= 0
        ? 0
        : 100.0
            * Runtime.getRuntime().availableProcessors()
            * (machineAtEnd[0] - machineAtStart[0])
            / total;
  }

  /** Busy (all but idle and iowait) and total ticks from the first line of /proc/stat. */
  private static long[] machineTicks() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException unreadable) {
      return new long[2]; // not Linux: the report leaves the machine out
    }
  }

  /** This process alone. */
  synchronized double ownCpuPercent() {
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
