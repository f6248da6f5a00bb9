package dev.minutes.store;

import java.util.List;
import java.util.Optional;

/**
 * What a node must merge to catch up: the snapshot when compaction already folded some requested
 * entries into it, then the change chunks in order, and the sequence number of the last entry in
 * the log at read time.
 */
public record LogSlice(Optional<byte[]> snapshot, List<byte[]> changes, long lastSeq) {
  public LogSlice {
    changes = List.copyOf(changes);
  }

  public boolean isEmpty() {
    return snapshot.isEmpty() && changes.isEmpty();
  }
}
