package dev.minutes.sync;

import dev.minutes.sync.codec.ChunkCensus;
import dev.minutes.sync.codec.ChunkCensus.Tally;
import dev.minutes.sync.codec.MalformedMessageException;
import java.util.List;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.Document;
import org.automerge.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One document's size against its meeting's {@link SizeLimits}. Confined to the document's lane.
 *
 * <p>A peer's changes are admitted before Automerge sees them, from what their chunks say ({@link
 * ChunkCensus}): so a paste past the limit never costs the node the memory of applying it. Change
 * chunks say exactly how many changes they hold and bound the characters they insert. A whole
 * document (automerge 3 sends one while it believes the server holds nothing) repeats history the
 * server mostly has: what it adds is estimated as its tally minus this document's history, and
 * checked exactly after applying ({@link #grewPastLimit}); it is admitted at all only if even with
 * nothing in common it could not bring more than a whole meeting's worth beyond that history.
 *
 * <p>The body is measured exactly after each message. The change count and the history's inserts
 * are upper bounds (a change that arrives twice counts twice) until the next load or compaction
 * counts the stored history again.
 */
final class DocumentSize {
  private static final Logger log = LoggerFactory.getLogger(DocumentSize.class);

  private final String documentId;
  private final SizeLimits limits;
  private long bodyChars;

  /** The document's history: its changes and every insert they made, deleted text included. */
  private Tally history = Tally.ZERO;

  DocumentSize(String documentId, SizeLimits limits) {
    this.documentId = documentId;
    this.limits = limits;
  }

  /** Counts a document just loaded from its snapshot and log entries. */
  void loaded(Document document, byte[] snapshot, List<byte[]> entries) {
    history = stored(snapshot).total();
    entries.forEach(this::merged);
    bodyChars = bodyLength(document);
  }

  /** Counts stored entries merged from the log (the server's own, other nodes'): never refused. */
  void merged(byte[] entry) {
    ChunkCensus census = stored(entry);
    history = history.plus(census.changeChunks()).plus(beyondHistory(census.documents()));
  }

  /** A new snapshot of the whole document: its history, counted exactly. */
  void compacted(byte[] snapshot) {
    history = stored(snapshot).total();
  }

  /** Admits a peer's change chunks, or says why they would pass a limit. */
  Optional<Refusal> admit(byte[] chunks) {
    ChunkCensus census;
    try {
      census = ChunkCensus.of(chunks);
    } catch (MalformedMessageException e) {
      return Optional.of(
          new Refusal(
              Refusal.Reason.SYNC_REJECTED,
              "unreadable change chunks for " + documentId + ": " + e.reason()));
    }
    if (census.oversized()) {
      return Optional.of(
          bodyLimit("a change inflates to more than " + ChunkCensus.MAX_INFLATED + " bytes"));
    }
    Tally added = census.changeChunks().plus(beyondHistory(census.documents()));
    if (history.changes() + added.changes() > limits.maxChanges()) {
      return Optional.of(
          new Refusal(
              Refusal.Reason.CHANGE_LIMIT,
              String.format(
                  "the meeting's history would pass its limit of %,d changes"
                      + " (MINUTES_MAX_CHANGES; it holds %,d); change to %s refused, nothing stored",
                  limits.maxChanges(), history.changes(), documentId)));
    }
    if (added.inserted() > 0 && bodyChars + added.inserted() > limits.maxBodyChars()) {
      return Optional.of(
          bodyLimit(
              String.format(
                  "the minutes hold %,d characters and this change inserts %,d",
                  bodyChars, added.inserted())));
    }
    long worstCase = census.total().inserted();
    if (worstCase > history.inserted() + limits.maxBodyChars()) {
      return Optional.of(
          bodyLimit(
              String.format(
                  "a whole document of %,d inserted characters, more than this meeting's history"
                      + " of %,d could make room for",
                  worstCase, history.inserted())));
    }
    history = history.plus(added);
    return Optional.empty();
  }

  /**
   * Measures the body after a peer's message was applied: true (and the caller drops what it
   * applied) when it grew past the limit, which an estimate for a whole document can miss. A body
   * already past the limit (say the limit was lowered) may still shrink.
   */
  boolean grewPastLimit(Document document) {
    long before = bodyChars;
    bodyChars = bodyLength(document);
    return bodyChars > limits.maxBodyChars() && bodyChars > before;
  }

  /** Why the last message was dropped after {@link #grewPastLimit}. */
  Refusal grewPastLimitRefusal() {
    return bodyLimit(String.format("the minutes would hold %,d characters", bodyChars));
  }

  long bodyChars() {
    return bodyChars;
  }

  long changes() {
    return history.changes();
  }

  /** Characters ever inserted into the document's texts and lists, deleted ones included. */
  long inserted() {
    return history.inserted();
  }

  /** What a whole document holds beyond this document's history, if it holds all of it. */
  private Tally beyondHistory(Tally document) {
    return new Tally(
        Math.max(0, document.changes() - history.changes()),
        Math.max(0, document.inserted() - history.inserted()));
  }

  private Refusal bodyLimit(String detail) {
    return new Refusal(
        Refusal.Reason.BODY_LIMIT,
        String.format(
            "%s, past the meeting's limit of %,d characters (MINUTES_MAX_BODY_CHARS);"
                + " change to %s refused, nothing stored",
            detail, limits.maxBodyChars(), documentId));
  }

  private ChunkCensus stored(byte[] chunks) {
    try {
      return ChunkCensus.of(chunks);
    } catch (MalformedMessageException e) {
      // Automerge accepted these bytes once; a layout this reader does not know counts as nothing.
      log.warn("document {}: cannot count stored changes: {}", documentId, e.reason());
      return ChunkCensus.NONE;
    }
  }

  private static long bodyLength(Document document) {
    Optional<AmValue> body = document.get(ObjectId.ROOT, "body");
    if (body.isPresent() && body.get() instanceof AmValue.Text text) {
      return document.length(text.getId());
    }
    return 0;
  }
}
