package dev.minutes.sync;

/**
 * How large one meeting's document may grow ({@code docs/contract.md} §4): a change that would pass
 * either limit is refused, never applied, stored nor forwarded. Automerge 0.5 needs about half a
 * kilobyte of native memory per character of an open document, so these bound what one editor link
 * can make a node hold.
 *
 * @param maxBodyChars characters (code points) of {@code body}
 * @param maxChanges changes in the document's history
 */
public record SizeLimits(long maxBodyChars, long maxChanges) {
  public static final SizeLimits DEFAULT = new SizeLimits(200_000, 200_000);

  public SizeLimits {
    if (maxBodyChars < 1 || maxChanges < 1) {
      throw new IllegalArgumentException("size limits must be positive");
    }
  }
}
