package dev.minutes.loadtool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The human-readable table of one run. */
final class Report {
  private static final int THREAD_GROUPS_SHOWN = 5;

  private Report() {}

  static String table(JsonObject r) {
    StringBuilder out = new StringBuilder();
    row(out, "server", r.getString("label") + " (" + r.getString("server") + ")");
    row(out, "scenario", r.getString("scenario"));
    if ("long-meeting".equals(r.getString("scenario"))) {
      return longMeeting(out, r);
    }
    if ("typing".equals(r.getString("scenario"))) {
      row(
          out,
          "typists",
          r.getInteger("typists")
              + " in "
              + r.getInteger("meetings")
              + " meeting(s) of "
              + r.getInteger("meetingSize")
              + ", "
              + r.getDouble("rate")
              + " keystrokes/s each");
      if (r.containsKey("workers")) {
        row(
            out,
            "clients",
            r.getString("clients")
                + " in "
                + r.getInteger("workers")
                + " Node workers, "
                + r.getInteger("watchers")
                + " watcher(s) per meeting");
      } else if (r.getInteger("watchers", 0) > 0) {
        row(out, "clients", "java, " + r.getInteger("watchers") + " watcher(s) per meeting");
      }
      row(
          out,
          "measured",
          r.getDouble("measuredSeconds") + " s, " + r.getLong("keystrokes") + " keystrokes");
      JsonObject latency = r.getJsonObject("latencyMs");
      row(
          out,
          "keystroke-to-peer ms",
          String.format(
              "p50 %.1f  p95 %.1f  p99 %.1f  max %.1f",
              latency.getDouble("p50"),
              latency.getDouble("p95"),
              latency.getDouble("p99"),
              latency.getDouble("max")));
      if (r.containsKey("watcherLatencyMs")) {
        JsonObject toWatchers = r.getJsonObject("watcherLatencyMs");
        row(
            out,
            "  to watchers ms",
            String.format(
                "p50 %.1f  p95 %.1f  p99 %.1f  max %.1f (%d deliveries)",
                toWatchers.getDouble("p50"),
                toWatchers.getDouble("p95"),
                toWatchers.getDouble("p99"),
                toWatchers.getDouble("max"),
                r.getLong("watcherDeliveriesMeasured")));
      }
      row(
          out,
          "deliveries",
          r.getLong("deliveriesMeasured")
              + " of "
              + r.getLong("deliveriesExpected")
              + " measured; undelivered after drain "
              + r.getLong("undeliveredAfterDrain"));
    } else {
      row(out, "changes", String.valueOf(r.getInteger("changes")));
      row(
          out,
          "join ms",
          joins(r)
              + "; first "
              + r.getDouble("firstJoinMs")
              + ", median "
              + r.getDouble("medianJoinMs"));
      if (r.containsKey("seedSeconds")) {
        row(out, "seeding", r.getDouble("seedSeconds") + " s");
      }
    }
    if (r.containsKey("serverCpuPercent")) {
      String perTypist =
          r.containsKey("serverCpuPerTypistPercent")
              ? String.format(" (%.3f %% per typist)", r.getDouble("serverCpuPerTypistPercent"))
              : "";
      row(
          out,
          "server CPU",
          String.format("%.1f %% of one core", r.getDouble("serverCpuPercent")) + perTypist);
      row(out, "server peak RSS", mib(r.getLong("serverPeakRssBytes")));
      JsonArray processes = r.getJsonArray("serverProcesses");
      for (int i = 0; i < processes.size(); i++) {
        JsonObject p = processes.getJsonObject(i);
        row(
            out,
            "  pid " + p.getString("pid"),
            String.format(
                "CPU %.1f %%, peak RSS %s",
                p.getDouble("cpuPercent"), mib(p.getLong("peakRssBytes"))));
        row(out, "    threads", threads(p.getJsonArray("threads", new JsonArray())));
      }
      if (r.containsKey("serverWakeUpsPerKeystroke")) {
        row(
            out,
            "server wake-ups",
            String.format(
                "%.1f per keystroke (threads that slept and were woken)",
                r.getDouble("serverWakeUpsPerKeystroke")));
      }
    }
    row(
        out,
        "load tool CPU",
        String.format("%.1f %% of one core", r.getDouble("loadToolCpuPercent")));
    if (r.containsKey("machineCpuPercent")) {
      row(
          out,
          "machine CPU",
          String.format(
              "%.1f %% of %d cores' %d %% (server, tool and everything else)",
              r.getDouble("machineCpuPercent"),
              r.getInteger("machineCores"),
              100 * r.getInteger("machineCores")));
    }
    if (r.containsKey("toolProcesses")) {
      row(
          out,
          "  tool processes",
          String.format("this JVM %.1f %%; ", r.getDouble("loadToolOwnCpuPercent"))
              + workers(r.getJsonArray("toolProcesses")));
      if (r.getBoolean("toolSaturated", false)) {
        row(
            out,
            "  WARNING",
            "a Node worker's main thread was near a whole core: the tool, not the server, may have"
                + " limited this run (more --workers)");
      }
    }
    JsonObject wire = r.getJsonObject("wire");
    row(
        out,
        "wire",
        String.format(
            "sent %s in %d frames, received %s in %d frames",
            mib(wire.getLong("bytesSent")),
            wire.getLong("framesSent"),
            mib(wire.getLong("bytesReceived")),
            wire.getLong("framesReceived")));
    row(
        out,
        "refusals/errors",
        wire.getLong("refusals")
            + " refusals, "
            + wire.getLong("docUnavailable")
            + " unavailable, "
            + wire.getLong("socketErrors")
            + " socket errors");
    if (!"java".equals(r.getString("clients", "java"))) {
      return out.toString();
    }
    row(
        out,
        "typists' sync",
        wire.getLong("leanMessages", 0L)
            + " messages worked out without Automerge's sync, "
            + wire.getLong("leanFallbacks", 0L)
            + " returns to it, "
            + wire.getLong("writtenKeystrokes", 0L)
            + " keystroke changes written without Automerge");
    return out.toString();
  }

  /** Each join's time until the joiner held the document, and until the document arrived. */
  private static String joins(JsonObject r) {
    return r.getJsonArray("joinMs").encode()
        + " (the document arrived after "
        + r.getJsonArray("arrivedMs").encode()
        + ")";
  }

  /** Scenario long-meeting: both windows side by side, the joins, memory open and unloaded. */
  private static String longMeeting(StringBuilder out, JsonObject r) {
    row(
        out,
        "authors",
        r.getInteger("typists")
            + " in one meeting, "
            + r.getDouble("rate")
            + " keystrokes/s each; "
            + r.getLong("changes")
            + " changes after "
            + r.getDouble("growSeconds")
            + " s; undelivered after drain "
            + r.getLong("undeliveredAfterDrain"));
    for (String name : new String[] {"start", "end"}) {
      JsonObject w = r.getJsonObject(name);
      JsonObject latency = w.getJsonObject("latencyMs");
      row(
          out,
          name + " window",
          String.format(
              "from %d changes: %d typed in %.1f s; p50 %.1f p99 %.1f ms",
              w.getLong("changesBefore"),
              w.getLong("changes"),
              w.getDouble("seconds"),
              latency.getDouble("p50"),
              latency.getDouble("p99")));
      if (w.containsKey("serverCpuPercent")) {
        row(
            out,
            "  server CPU",
            String.format(
                "%.1f %% of one core, %.3f ms per change",
                w.getDouble("serverCpuPercent"), w.getDouble("serverCpuMsPerChange")));
        JsonArray processes = w.getJsonArray("serverProcesses");
        for (int i = 0; i < processes.size(); i++) {
          row(
              out,
              "    threads",
              threads(processes.getJsonObject(i).getJsonArray("threads", new JsonArray())));
        }
      }
      row(
          out,
          "  tool / machine CPU",
          String.format(
              "%.1f %% / %.1f %%",
              w.getDouble("loadToolCpuPercent"), w.getDouble("machineCpuPercent")));
    }
    row(out, "late joiners ms", joins(r));
    row(
        out,
        "server RSS",
        String.format(
            "before %s, open %s (peak %s), after unloading %s",
            mib(r.getLong("serverRssBeforeBytes")),
            mib(r.getLong("serverRssOpenBytes")),
            mib(r.getLong("serverRssOpenPeakBytes")),
            mib(r.getLong("serverRssAfterUnloadBytes"))));
    Double unloaded = r.getDouble("unloadedAfterSeconds");
    row(
        out,
        "unloaded",
        unloaded == null
            ? "not seen (no metrics, or not within --unload-wait)"
            : unloaded + " s after the last client left");
    row(out, "errors", String.valueOf(r.getLong("errors")));
    return out.toString();
  }

  /**
   * The busiest thread groups: "name CPU % (wake-ups/s)", at most {@value #THREAD_GROUPS_SHOWN}.
   */
  private static String threads(JsonArray groups) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(THREAD_GROUPS_SHOWN, groups.size()); i++) {
      JsonObject group = groups.getJsonObject(i);
      out.append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  "%s %.1f %% (%.0f/s)",
                  group.getString("name"),
                  group.getDouble("cpuPercent"),
                  group.getDouble("wakeUpsPerSecond")));
    }
    return out.length() == 0 ? "-" : out.toString();
  }

  /** Each Node worker: "CPU % (main thread %)". */
  private static String workers(JsonArray processes) {
    StringBuilder out = new StringBuilder("workers");
    for (int i = 0; i < processes.size(); i++) {
      JsonObject p = processes.getJsonObject(i);
      out.append(i == 0 ? " " : ", ")
          .append(
              String.format(
                  "%.1f %% (main %.1f %%)",
                  p.getDouble("cpuPercent"), p.getDouble("mainThreadCpuPercent")));
    }
    return out.toString();
  }

  private static void row(StringBuilder out, String name, String value) {
    out.append(String.format("%-22s %s%n", name, value));
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
