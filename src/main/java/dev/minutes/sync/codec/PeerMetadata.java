package dev.minutes.sync.codec;

/**
 * What a peer tells about itself in {@code join} and {@code peer}.
 *
 * @param storageId id of the peer's persistent storage, or {@code null} when it has none (sent by
 *     JS clients as {@code undefined})
 * @param isEphemeral whether the peer is short-lived and not worth keeping sync state for
 */
public record PeerMetadata(String storageId, boolean isEphemeral) {

  /** What a peer that sent no {@code peerMetadata} at all is taken to be. */
  public static final PeerMetadata UNKNOWN = new PeerMetadata(null, false);
}
