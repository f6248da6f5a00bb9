package dev.minutes.store;

import java.util.List;

/**
 * A document as stored: the latest snapshot, the change chunks appended after it (oldest first) and
 * the sequence number of the last chunk (equal to the compaction point when {@code changes} is
 * empty).
 */
public record StoredDocument(byte[] snapshot, List<byte[]> changes, long lastSeq) {
  public StoredDocument {
    changes = List.copyOf(changes);
  }
}
