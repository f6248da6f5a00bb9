package dev.minutes.sync;

import dev.minutes.store.StoredDocument;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.StoredHeads;
import dev.minutes.sync.codec.SyncMessageParts;
import dev.minutes.sync.codec.SyncMessageSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the peers that hold nothing while a session loads its document into Automerge, which for
 * a long history of many authors takes the server's binding many seconds (automerge 0.5 works out a
 * clock for every change it loads), where Automerge in a browser loads the same bytes in a fraction
 * of a second.
 *
 * <p>Such a peer is sent the stored bytes as they are: the snapshot and the log entries after it,
 * in one whole-document sync message, with the heads {@link StoredHeads} reads from them. Stored
 * means durable, so this shows nothing that is not acknowledged. What peers send meanwhile waits in
 * the session's inbox until the document has loaded; then the {@link Synchronizer} checks the heads
 * the peers were told against the document's own ({@link Synchronizer#joinedFromStored}). When the
 * stored chunks are not all ones {@link StoredHeads} follows (a whole document or a compressed
 * change in the log), there is no such message and joiners wait for the load.
 *
 * <p>{@link #prepare} runs on a worker (it hashes every log entry); the rest on the session's
 * context, one instance per load.
 */
final class ColdStart {
  private static final Logger log = LoggerFactory.getLogger(ColdStart.class);

  /** No message: joiners wait for the load. */
  static final ColdStart NONE = new ColdStart(List.of(), null);

  private final List<byte[]> heads;
  private final byte[] message;
  private final List<PeerLink> answered = new ArrayList<>();

  private ColdStart(List<byte[]> heads, byte[] message) {
    this.heads = heads;
    this.message = message;
  }

  /** Worker: the whole-document message of {@code stored}, if its chunks can be followed. */
  static ColdStart prepare(String documentId, StoredDocument stored) {
    Optional<List<byte[]>> heads;
    try {
      heads = StoredHeads.of(stored.snapshot(), stored.changes());
    } catch (MalformedMessageException e) {
      log.warn("document {}: stored bytes not readable here: {}", documentId, e.getMessage());
      return NONE;
    }
    if (heads.isEmpty() || heads.get().isEmpty()) {
      log.debug(
          "document {}: stored chunks not followed here; joiners wait for the load", documentId);
      return NONE;
    }
    List<byte[]> chunks = new ArrayList<>(stored.changes().size() + 1);
    chunks.add(stored.snapshot());
    chunks.addAll(stored.changes());
    return new ColdStart(heads.get(), SyncMessageParts.writeDocument(heads.get(), chunks));
  }

  /**
   * The whole stored document for {@code link} if its message says it holds nothing and it was not
   * sent it yet; empty otherwise (then the message waits for the loaded document like any other).
   */
  Optional<byte[]> messageFor(PeerLink link, SyncMessageSummary summary, byte[] changes) {
    if (message == null
        || !summary.heads().isEmpty()
        || changes.length > 0
        || answered.contains(link)) {
      return Optional.empty();
    }
    answered.add(link);
    return Optional.of(message);
  }

  /** The peers sent the stored document. */
  List<PeerLink> answered() {
    return List.copyOf(answered);
  }

  /** The heads they were told. */
  List<byte[]> heads() {
    return heads;
  }
}
