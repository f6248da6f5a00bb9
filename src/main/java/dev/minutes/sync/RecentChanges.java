package dev.minutes.sync;

import dev.minutes.sync.codec.ChangeChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Lane-confined: the changes a document gained since its oldest steady peer was last sent
 * everything, in the order they were applied, each with the peer it came from. The fast sync path
 * sends a steady peer the entries from its position on, minus its own (it holds those).
 */
final class RecentChanges {
  private final List<Entry> entries = new ArrayList<>();

  /** Absolute position of {@code entries.get(0)}. */
  private long base;

  private record Entry(ChangeChunk change, String origin) {}

  /**
   * {@code origin} is the peer that sent the change, or null when it came from elsewhere (store,
   * slow path).
   */
  void add(ChangeChunk change, String origin) {
    entries.add(new Entry(change, origin));
  }

  long end() {
    return base + entries.size();
  }

  /** The chunks from absolute position {@code from} on that did not come from {@code peerId}. */
  List<byte[]> since(long from, String peerId) {
    List<byte[]> out = new ArrayList<>();
    for (int i = (int) Math.max(0, from - base); i < entries.size(); i++) {
      Entry entry = entries.get(i);
      if (!peerId.equals(entry.origin)) {
        out.add(entry.change.bytes());
      }
    }
    return out;
  }

  /** Forgets what every steady peer has been sent already. */
  void dropBefore(long position) {
    int drop = (int) Math.min(entries.size(), Math.max(0, position - base));
    if (drop > 0) {
      entries.subList(0, drop).clear();
      base += drop;
    }
  }
}
