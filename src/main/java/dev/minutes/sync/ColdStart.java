package dev.minutes.sync;

import dev.minutes.store.StoredDocument;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.StoredHeads;
import dev.minutes.sync.codec.SyncMessageParts;
import dev.minutes.sync.codec.SyncMessageSummary;
import java.io.ByteArrayOutputStream;
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
 * the peers were told against the document's own ({@link Synchronizer#joinedFromStored}). Confined
 * to the session's context; one per load.
 */
final class ColdStart {
  private static final Logger log = LoggerFactory.getLogger(ColdStart.class);

  private final String documentId;
  private final StoredDocument stored;
  private final List<PeerLink> answered = new ArrayList<>();

  /** Worked out for the first peer that holds nothing; empty when the bytes cannot be followed. */
  private Optional<Answer> answer;

  ColdStart(String documentId, StoredDocument stored) {
    this.documentId = documentId;
    this.stored = stored;
  }

  /**
   * The whole stored document for {@code link} if its message says it holds nothing and it was not
   * sent it yet; empty otherwise (then the message waits for the loaded document like any other).
   */
  Optional<byte[]> answer(PeerLink link, SyncMessageSummary summary, byte[] changes) {
    if (!summary.heads().isEmpty() || changes.length > 0 || answered.contains(link)) {
      return Optional.empty();
    }
    Optional<byte[]> message = answer().map(Answer::message);
    if (message.isPresent()) {
      answered.add(link);
      log.debug(
          "document {}: peer {} holds nothing; sent the stored document while it loads",
          documentId,
          link.peerId());
    }
    return message;
  }

  /** The peers sent the stored document. */
  List<PeerLink> answered() {
    return List.copyOf(answered);
  }

  /** The heads they were told (empty when none was sent). */
  List<byte[]> heads() {
    return answer == null ? List.of() : answer.map(Answer::heads).orElse(List.of());
  }

  private Optional<Answer> answer() {
    if (answer == null) {
      answer = workOut();
    }
    return answer;
  }

  private Optional<Answer> workOut() {
    Optional<List<byte[]>> heads;
    try {
      heads = StoredHeads.of(stored.snapshot(), stored.changes());
    } catch (MalformedMessageException e) {
      log.warn("document {}: stored bytes not readable here: {}", documentId, e.getMessage());
      return Optional.empty();
    }
    if (heads.isEmpty() || heads.get().isEmpty()) {
      log.debug(
          "document {}: stored chunks not followed here; joiners wait for the load", documentId);
      return Optional.empty();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(stored.snapshot().length);
    bytes.writeBytes(stored.snapshot());
    stored.changes().forEach(bytes::writeBytes);
    byte[] message = SyncMessageParts.writeDocument(heads.get(), bytes.toByteArray());
    return Optional.of(new Answer(heads.get(), message));
  }

  private record Answer(List<byte[]> heads, byte[] message) {}
}
