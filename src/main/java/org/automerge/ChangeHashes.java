package org.automerge;

/**
 * The binding (0.0.7) has no public way to turn stored hash bytes back into a {@link ChangeHash};
 * its constructor is protected. This one-line bridge lives in the binding's package for that (the
 * jar is not sealed). Used to read a document at frozen heads kept as hex in Redis.
 */
public final class ChangeHashes {
  private ChangeHashes() {}

  public static ChangeHash of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new IllegalArgumentException("a change hash has 32 bytes, got " + bytes.length);
    }
    return new ChangeHash(bytes.clone());
  }
}
