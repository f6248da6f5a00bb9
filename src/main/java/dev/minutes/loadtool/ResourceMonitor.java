package dev.minutes.loadtool;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the server processes and the load tool itself once a second (peak RSS) and measures CPU
 * over a window between {@link #startWindow} and {@link #endWindow}.
 */
final class ResourceMonitor {
  private final List<ProcessStats> servers = new ArrayList<>();
  private final ProcessStats self = ProcessStats.self();
  private final long[] peakRss;
  private final double[] cpuAtStart;
  private final double[] cpuAtEnd;
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
    for (int i = 0; i < servers.size(); i++) {
      cpuAtStart[i] = cpu(servers.get(i));
    }
    selfCpuAtStart = self.cpuSeconds();
  }

  synchronized void endWindow() {
    windowEnd = System.nanoTime();
    for (int i = 0; i < servers.size(); i++) {
      cpuAtEnd[i] = cpu(servers.get(i));
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

  synchronized JsonArray perProcess() {
    JsonArray out = new JsonArray();
    for (int i = 0; i < servers.size(); i++) {
      out.add(new JsonObject()
          .put("pid", servers.get(i).pid())
          .put("cpuPercent", round(100 * (cpuAtEnd[i] - cpuAtStart[i]) / windowSeconds()))
          .put("peakRssBytes", peakRss[i]));
    }
    return out;
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
    return process.alive() ? process.cpuSeconds() : 0;
  }

  static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
