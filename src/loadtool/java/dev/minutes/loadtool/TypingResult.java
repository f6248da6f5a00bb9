package dev.minutes.loadtool;

import io.vertx.core.json.JsonObject;

/** The JSON result of a typing run, whoever the typists were (Java replicas or Node workers). */
final class TypingResult {
  private TypingResult() {}

  /**
   * The fields every typing run reports: what was typed and delivered, how fast (to every other
   * member, and to the watchers alone: {@code toWatchers}), and what it cost the server and the
   * tool. {@code wire} holds the run's wire counters, {@code errors} their refusals, unavailable
   * answers and socket errors together.
   */
  static JsonObject of(
      LoadOptions options,
      ResourceMonitor monitor,
      int meetings,
      long keystrokes,
      long expected,
      LongSamples.Percentiles latency,
      LongSamples.Percentiles toWatchers,
      long undelivered,
      long rssBefore,
      JsonObject wire,
      long errors) {
    JsonObject result =
        new JsonObject()
            .put("scenario", "typing")
            .put("label", options.label())
            .put("server", options.server().toString())
            .put("clients", options.clients().label)
            .put("typists", options.typists())
            .put("meetingSize", options.meetingSize())
            .put("watchers", options.watchers())
            .put("meetings", meetings)
            .put("rate", options.rate())
            .put("measuredSeconds", ResourceMonitor.round(monitor.windowSeconds()))
            .put("keystrokes", keystrokes)
            .put("deliveriesExpected", expected)
            .put("deliveriesMeasured", latency.count())
            .put("undeliveredAfterDrain", undelivered)
            .put("latencyMs", latencyJson(latency))
            .put("loadToolCpuPercent", ResourceMonitor.round(monitor.loadToolCpuPercent()))
            .put("machineCpuPercent", ResourceMonitor.round(monitor.machineCpuPercent()))
            .put("machineCores", Runtime.getRuntime().availableProcessors())
            .put("wire", wire)
            .put("errors", errors);
    if (options.watchers() > 0) {
      result
          .put("watcherDeliveriesMeasured", toWatchers.count())
          .put("watcherLatencyMs", latencyJson(toWatchers));
    }
    if (monitor.measuresServer()) {
      double serverCpu = monitor.serverCpuPercent();
      result
          .put("serverCpuPercent", ResourceMonitor.round(serverCpu))
          .put("serverCpuPerTypistPercent", ResourceMonitor.round(serverCpu / options.typists()))
          .put("serverPeakRssBytes", monitor.serverPeakRss())
          .put("serverRssBeforeBytes", rssBefore)
          .put("serverProcesses", monitor.perProcess())
          .put(
              "serverWakeUpsPerKeystroke",
              keystrokes == 0
                  ? 0
                  : ResourceMonitor.round((double) monitor.serverWakeUps() / keystrokes));
    }
    return result;
  }

  /** Percentiles in milliseconds. */
  static JsonObject latencyJson(LongSamples.Percentiles latency) {
    return new JsonObject()
        .put("p50", ResourceMonitor.round(latency.p50()))
        .put("p95", ResourceMonitor.round(latency.p95()))
        .put("p99", ResourceMonitor.round(latency.p99()))
        .put("max", ResourceMonitor.round(latency.max()));
  }
}
