package dev.minutes.sync;

import java.util.Arrays;
import java.util.List;
import org.automerge.ChangeHash;

/** Comparisons of heads as sets (Automerge gives no order guarantee). */
final class Heads {
  private Heads() {}

  static boolean same(ChangeHash[] a, ChangeHash[] b) {
    if (a.length != b.length) {
      return false;
    }
    List<ChangeHash> left = Arrays.asList(a);
    for (ChangeHash hash : b) {
      if (!left.contains(hash)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the heads a peer announced ({@code theirs}, raw hashes) are exactly {@code ours}. */
  static boolean same(List<byte[]> theirs, ChangeHash[] ours) {
    if (theirs.size() != ours.length) {
      return false;
    }
    for (byte[] hash : theirs) {
      if (!contains(ours, hash)) {
        return false;
      }
    }
    return true;
  }

  static List<byte[]> bytes(ChangeHash[] heads) {
    return Arrays.stream(heads).map(ChangeHash::getBytes).toList();
  }

  private static boolean contains(ChangeHash[] heads, byte[] hash) {
    for (ChangeHash head : heads) {
      if (Arrays.equals(hash, head.getBytes())) {
        return true;
      }
    }
    return false;
  }
}
