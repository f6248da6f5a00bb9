package dev.minutes.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Counters of the sync endpoint and document sessions, exported at /metrics. Thread safe. */
public final class SyncMetrics {
  private final Counter syncIn;
  private final Counter syncOut;
  private final DistributionSummary bytesIn;
  private final DistributionSummary bytesOut;
  private final Timer storeLatency;
  private final Timer cycleLaneWork;
  private final Timer compactionLaneWork;
  private final Counter storeRetries;
  private final Counter presenceDropped;
  private final Counter fastPathMessages;
  private final Counter fastPathExits;
  private final Counter silentSocketsClosed;
  private final Counter storedDocumentAnswers;
  private final Map<Refusal.Reason, Counter> refusals = new EnumMap<>(Refusal.Reason.class);
  private final MeterRegistry registry;

  public SyncMetrics(MeterRegistry registry) {
    this.registry = registry;
    syncIn =
        Counter.builder("minutes_sync_messages_in")
            .description("sync messages received")
            .register(registry);
    syncOut =
        Counter.builder("minutes_sync_messages_out")
            .description("sync messages sent")
            .register(registry);
    bytesIn =
        DistributionSummary.builder("minutes_sync_bytes_in").baseUnit("bytes").register(registry);
    bytesOut =
        DistributionSummary.builder("minutes_sync_bytes_out").baseUnit("bytes").register(registry);
    storeLatency =
        Timer.builder("minutes_store_append_latency")
            .description("time to store one batch of changes")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    // Automerge time per document on its lane: in automerge 0.5 applying a change concurrent with
    // others costs in
    // proportion to the meeting's history, so this is where a long, busy meeting shows before
    // latency does.
    cycleLaneWork = laneWork(registry, "cycle");
    compactionLaneWork = laneWork(registry, "compaction");
    storeRetries =
        Counter.builder("minutes_store_append_retries")
            .description("appends retried while Redis was away")
            .register(registry);
    presenceDropped =
        Counter.builder("minutes_presence_dropped")
            .description("presence messages not forwarded: over a document's presence budget")
            .register(registry);
    fastPathMessages =
        Counter.builder("minutes_sync_fast_path_messages")
            .description(
                "sync messages written for peers in step with the document, without Automerge's sync")
            .register(registry);
    fastPathExits =
        Counter.builder("minutes_sync_fast_path_exits")
            .description(
                "peers in step that went back to Automerge's sync (a need, a reset, an unknown dependency)")
            .register(registry);
    storedDocumentAnswers =
        Counter.builder("minutes_sync_stored_document_answers")
            .description(
                "joiners sent a document's stored bytes while the node was still loading it")
            .register(registry);
    silentSocketsClosed =
        Counter.builder("minutes_sync_silent_sockets_closed")
            .description("sync sockets closed because nothing, not even a pong, answered a ping")
            .register(registry);
    for (Refusal.Reason reason : Refusal.Reason.values()) {
      refusals.put(
          reason,
          Counter.builder("minutes_refusals")
              .tag("reason", reason.label())
              .description("refused client input by reason")
              .register(registry));
    }
  }

  private static Timer laneWork(MeterRegistry registry, String work) {
    return Timer.builder("minutes_lane_work")
        .tag("work", work)
        .description(
            "time a document's Automerge lane spends on one cycle (applying what came in, working out"
                + " what goes out) or one compaction (saving the document)")
        .publishPercentiles(0.5, 0.99)
        .register(registry);
  }

  /** For tests and tools that run without a registry. */
  public static SyncMetrics noop() {
    return new SyncMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** Size gauges of one open document; close them when it unloads. */
  public DocumentMeters document(String documentId) {
    return new DocumentMeters(registry, documentId);
  }

  public void syncIn(int bytes) {
    syncIn.increment();
    bytesIn.record(bytes);
  }

  public void syncOut(int bytes) {
    syncOut.increment();
    bytesOut.record(bytes);
  }

  public void storeLatency(long nanos) {
    storeLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Lane time of one document cycle (apply and generate). */
  public void cycleLaneWork(long nanos) {
    cycleLaneWork.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Lane time of saving a document for compaction. */
  public void compactionLaneWork(long nanos) {
    compactionLaneWork.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void storeRetry() {
    storeRetries.increment();
  }

  public void presenceDropped() {
    presenceDropped.increment();
  }

  public void fastPathMessage() {
    fastPathMessages.increment();
  }

  public void storedDocumentAnswer() {
    storedDocumentAnswers.increment();
  }

  public double storedDocumentAnswers() {
    return storedDocumentAnswers.count();
  }

  public void silentSocketClosed() {
    silentSocketsClosed.increment();
  }

  public void fastPathExit() {
    fastPathExits.increment();
  }

  public double fastPathMessages() {
    return fastPathMessages.count();
  }

  public double fastPathExits() {
    return fastPathExits.count();
  }

  public void refused(Refusal.Reason reason) {
    refusals.get(reason).increment();
  }

  public double refusals(Refusal.Reason reason) {
    return refusals.get(reason).count();
  }
}
