package dev.minutes.store;

import java.util.List;

/**
 * Builds every Redis key and channel name the store uses, so the layout lives in one place.
 *
 * <p>A document's keys are {@code <prefix>doc:{<id>}:snapshot}, {@code :log}, {@code :base}, {@code
 * :gate} and {@code :digest}. The id sits in a hash tag so that all keys of one document map to the
 * same cluster slot, which multi-key Lua scripts require. Announcements go to the single channel
 * {@code <prefix>changes} and presence to {@code <prefix>ephemeral}; in a Redis Cluster both go to
 * channels of the document's own slot instead ({@link #changes(String)}, {@link #presence(String)},
 * sharded pub/sub), so that they travel only within the shard that holds the document.
 *
 * <p>A meeting's record is {@code <prefix>meeting:{<id>}} and its close lease {@code :lease}: a
 * meeting's id is its document's, so its record, lease and the document's write gate share one slot
 * (reopening touches all three in one script). A series' keys are {@code <prefix>series:{<id>}},
 * {@code :meetings} and {@code :starting}, one slot per series. The token index ({@code
 * <prefix>token:<hash>}) and the publication names ({@code <prefix>publication-names}) are single
 * keys, each written by a step of its own.
 */
public final class RedisKeys {

  public static final String DEFAULT_PREFIX = "minutes:";

  /** Generous for automerge-repo ids (about 28 base58 characters) while bounding key size. */
  static final int MAX_DOCUMENT_ID_LENGTH = 256;

  private final String prefix;

  public RedisKeys(String prefix) {
    this.prefix = requireValidPrefix(prefix);
  }

  public static RedisKeys withDefaultPrefix() {
    return new RedisKeys(DEFAULT_PREFIX);
  }

  public String prefix() {
    return prefix;
  }

  /** The latest snapshot (binary string). */
  public String snapshot(String documentId) {
    return documentKey(documentId, "snapshot");
  }

  /** Change chunks appended after the snapshot, oldest first (list of binary strings). */
  public String log(String documentId) {
    return documentKey(documentId, "log");
  }

  /** Sequence number of the last entry folded into the snapshot; absent means 0. */
  public String base(String documentId) {
    return documentKey(documentId, "base");
  }

  /** A digest of the document (see {@link DocumentStore#saveDigest}), with its sequence number. */
  public String digest(String documentId) {
    return documentKey(documentId, "digest");
  }

  /** Present once the document's writes are closed. */
  public String gate(String documentId) {
    return documentKey(documentId, "gate");
  }

  /**
   * The keys of one document in the order the Lua scripts expect: snapshot, log, base, gate,
   * digest.
   */
  List<Object> documentKeys(String documentId) {
    return List.of(
        snapshot(documentId),
        log(documentId),
        base(documentId),
        gate(documentId),
        digest(documentId));
  }

  /** The shard channel of one document's {@link Announcement}s (Redis Cluster). */
  public String changes(String documentId) {
    return documentKey(documentId, "changes");
  }

  /** The shard channel of one document's presence messages between nodes (Redis Cluster). */
  public String presence(String documentId) {
    return documentKey(documentId, "presence");
  }

  /** The channel of every node's presence messages (one server or Sentinel). */
  public String presenceChannel() {
    return prefix + "ephemeral";
  }

  /** The pub/sub channel that carries every {@link Announcement}. */
  public String changesChannel() {
    return prefix + "changes";
  }

  /** A meeting's record (hash); the meeting's id is its document's, hence the same hash tag. */
  public String meeting(String meetingId) {
    return prefix + "meeting:{" + meetingId + "}";
  }

  /** The lease of whoever runs the meeting's close (string with expiry). */
  public String meetingLease(String meetingId) {
    return meeting(meetingId) + ":lease";
  }

  /**
   * The meetings whose close was asked for and has not finished (set): what a node finishes when
   * the node that ran the close stopped half-way.
   */
  public String unfinishedCloses() {
    return prefix + "closes-unfinished";
  }

  /**
   * Each running node's publish settings as it describes them, with when it last said so (hash).
   */
  public String publishSettings() {
    return prefix + "publish-settings";
  }

  /** A series' record (hash). */
  public String series(String seriesId) {
    return prefix + "series:{" + seriesId + "}";
  }

  /** The ids of a series' meetings, oldest first (list). */
  public String seriesMeetings(String seriesId) {
    return series(seriesId) + ":meetings";
  }

  /** The lease of whoever starts a call of the series (string with expiry). */
  public String seriesStartLease(String seriesId) {
    return series(seriesId) + ":starting";
  }

  /** Which meeting or series holds a token, by the token's hash (string). */
  public String token(String tokenHash) {
    return prefix + "token:" + tokenHash;
  }

  /** Which meeting published under which file name and permalink (hash). */
  public String publicationNames() {
    return prefix + "publication-names";
  }

  /** A SCAN/KEYS glob that matches exactly the keys under this prefix. */
  public String prefixPattern() {
    StringBuilder pattern = new StringBuilder(prefix.length() + 1);
    for (char c : prefix.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        pattern.append('\\');
      }
      pattern.append(c);
    }
    return pattern.append('*').toString();
  }

  /**
   * Rejects ids that would break the key layout: braces would end the hash tag early and whitespace
   * would break the "{@code <id> <seq>}" announcement format.
   */
  public static String requireValidDocumentId(String documentId) {
    if (documentId == null || documentId.isEmpty()) {
      throw new IllegalArgumentException("document id must not be empty");
    }
    if (documentId.length() > MAX_DOCUMENT_ID_LENGTH) {
      throw new IllegalArgumentException(
          "document id longer than " + MAX_DOCUMENT_ID_LENGTH + " characters");
    }
    for (int i = 0; i < documentId.length(); i++) {
      char c = documentId.charAt(i);
      if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "document id contains a forbidden character at index " + i);
      }
    }
    return documentId;
  }

  private String documentKey(String documentId, String kind) {
    return prefix + "doc:{" + requireValidDocumentId(documentId) + "}:" + kind;
  }

  private static String requireValidPrefix(String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("key prefix must not be null");
    }
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '{' || c == '}' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "key prefix contains a forbidden character at index " + i);
      }
    }
    return prefix;
  }

  @Override
  public String toString() {
    return "RedisKeys[" + prefix + "]";
  }
}
