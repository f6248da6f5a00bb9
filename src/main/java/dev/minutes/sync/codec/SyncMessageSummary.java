package dev.minutes.sync.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What the header of an Automerge sync message says, read without Automerge.
 *
 * @param version 1 for a v1 message (0x42: individual change chunks), 2 for v2 (0x43: the one chunk
 *     may be a whole saved document)
 * @param heads the sender's heads, each a 32-byte change hash (unmodifiable; arrays not copied)
 * @param needCount how many changes the sender asks for
 * @param haveCount how many {@code have} entries (last-sync hashes plus bloom filter) it carries
 * @param changeCount how many change chunks it carries: exactly what Automerge would apply
 * @param changeBytes total size of those chunks
 */
public record SyncMessageSummary(
    int version,
    List<byte[]> heads,
    int needCount,
    int haveCount,
    int changeCount,
    long changeBytes) {

  public SyncMessageSummary {
    heads = List.copyOf(heads);
  }

  /**
   * Whether applying this message would change the receiver's document (if it lacks the changes).
   */
  public boolean carriesChanges() {
    return changeCount > 0;
  }

  public int headCount() {
    return heads.size();
  }

  /** The heads as lowercase hex, the form used in logs and storage. */
  public List<String> headsHex() {
    List<String> hex = new ArrayList<>(heads.size());
    heads.forEach(head -> hex.add(HexFormat.of().formatHex(head)));
    return hex;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof SyncMessageSummary that)) {
      return false;
    }
    if (heads.size() != that.heads.size()) {
      return false;
    }
    for (int i = 0; i < heads.size(); i++) {
      if (!Arrays.equals(heads.get(i), that.heads.get(i))) {
        return false;
      }
    }
    return version == that.version
        && needCount == that.needCount
        && haveCount == that.haveCount
        && changeCount == that.changeCount
        && changeBytes == that.changeBytes;
  }

  @Override
  public int hashCode() {
    int headsHash = 1;
    for (byte[] head : heads) {
      headsHash = 31 * headsHash + Arrays.hashCode(head);
    }
    return Objects.hash(version, headsHash, needCount, haveCount, changeCount, changeBytes);
  }

  @Override
  public String toString() {
    return "SyncMessageSummary[version="
        + version
        + ", heads="
        + headsHex()
        + ", needCount="
        + needCount
        + ", haveCount="
        + haveCount
        + ", changeCount="
        + changeCount
        + ", changeBytes="
        + changeBytes
        + "]";
  }
}
