package dev.minutes.support;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.ChangeHashes;
import org.automerge.Document;
import org.automerge.ObjectId;

/**
 * A document rebuilt in the test from the bytes Redis holds (snapshot, then every log entry), read
 * with the Automerge binding directly: an independent check of what the server stored. Frees its
 * native document on close.
 */
public final class StoredAutomerge implements AutoCloseable {
  private final Document document;

  private StoredAutomerge(Document document) {
    this.document = document;
  }

  /** The document of {@code documentId} as stored under the inspector's prefix. */
  public static StoredAutomerge load(RedisInspector redis, String documentId) {
    Document document = Document.load(redis.snapshot(documentId));
    for (byte[] entry : redis.log(documentId)) {
      document.applyEncodedChanges(entry);
    }
    return new StoredAutomerge(document);
  }

  public List<String> heads() {
    return hex(document.getHeads());
  }

  /** A string under the root at {@code heads} (text or scalar string), empty when absent. */
  public Optional<String> string(String key, List<String> heads) {
    ChangeHash[] at = hashes(heads);
    Optional<AmValue> value = document.get(ObjectId.ROOT, key, at);
    if (value.isPresent() && value.get() instanceof AmValue.Text text) {
      return document.text(text.getId(), at);
    }
    if (value.isPresent() && value.get() instanceof AmValue.Str str) {
      return Optional.of(str.getValue());
    }
    return Optional.empty();
  }

  /** How many changes the document's history holds (each once, however it was stored). */
  public long changeCount() {
    return dev.minutes.sync.codec.ChangeChunk.splitAll(
            document.encodeChangesSince(new ChangeHash[0]))
        .size();
  }

  /** Whether the root has {@code key} at {@code heads}. */
  public boolean has(String key, List<String> heads) {
    return document.get(ObjectId.ROOT, key, hashes(heads)).isPresent();
  }

  private static List<String> hex(ChangeHash[] heads) {
    return java.util.Arrays.stream(heads)
        .map(h -> HexFormat.of().formatHex(h.getBytes()))
        .sorted()
        .toList();
  }

  private static ChangeHash[] hashes(List<String> heads) {
    return heads.stream()
        .map(h -> ChangeHashes.of(HexFormat.of().parseHex(h)))
        .toArray(ChangeHash[]::new);
  }

  @Override
  public void close() {
    document.free();
  }
}
