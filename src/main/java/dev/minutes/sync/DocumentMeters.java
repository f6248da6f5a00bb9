package dev.minutes.sync;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Size gauges of one open document, tagged with its id, removed when it unloads: its body's
 * characters, its history (changes, and characters ever inserted, deleted ones included) and the
 * native memory these cost in the Automerge binding, estimated from measured costs.
 *
 * <p>The binding reports no memory of its own. Measured with automerge 0.0.7 ({@code
 * docs/operations.md}, "Memory per meeting"): about {@value #BYTES_PER_INSERT} bytes per inserted
 * character and {@value #BYTES_PER_CHANGE} bytes per change on top. Values are written by the
 * document's lane and read by the scrape: each is one volatile field.
 */
public final class DocumentMeters implements AutoCloseable {
  static final long BYTES_PER_INSERT = 500;
  static final long BYTES_PER_CHANGE = 1_050;

  private final MeterRegistry registry;
  private final List<Meter> meters;
  private volatile long bodyChars;
  private volatile long changes;
  private volatile long inserted;

  DocumentMeters(MeterRegistry registry, String documentId) {
    this.registry = registry;
    this.meters =
        List.of(
            gauge(
                documentId,
                "minutes_document_body_chars",
                "characters of an open document's body",
                m -> m.bodyChars),
            gauge(
                documentId,
                "minutes_document_changes",
                "changes in an open document's history",
                m -> m.changes),
            gauge(
                documentId,
                "minutes_document_memory_estimate_bytes",
                "native memory an open document holds, estimated from its history",
                DocumentMeters::estimatedBytes));
  }

  /** The document's size now (lane). */
  public void update(long bodyChars, long changes, long inserted) {
    this.bodyChars = bodyChars;
    this.changes = changes;
    this.inserted = inserted;
  }

  double estimatedBytes() {
    return (double) inserted * BYTES_PER_INSERT + (double) changes * BYTES_PER_CHANGE;
  }

  @Override
  public void close() {
    meters.forEach(registry::remove);
  }

  private Meter gauge(
      String documentId, String name, String description, ToDoubleFunction<DocumentMeters> value) {
    return Gauge.builder(name, this, value)
        .tag("document", documentId)
        .description(description)
        .register(registry);
  }
}
