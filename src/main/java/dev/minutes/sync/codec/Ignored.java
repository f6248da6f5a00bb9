package dev.minutes.sync.codec;

import java.util.Objects;
import java.util.Set;

/**
 * A well-formed message of a type the server does not act on: the remote-heads gossip types ({@code
 * remote-subscription-change}, {@code remote-heads-changed}) and unknown types. Only the envelope
 * is checked; the server drops it without reply, as automerge-repo 2.5.6 does.
 */
public record Ignored(String type, String senderId) implements ProtocolMessage {

  private static final Set<String> HANDLED_TYPES =
      Set.of(JOIN, PEER, ERROR, LEAVE, SYNC, REQUEST, DOC_UNAVAILABLE, EPHEMERAL);

  public Ignored {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(senderId, "senderId");
    if (HANDLED_TYPES.contains(type)) {
      throw new IllegalArgumentException(
          "type '" + type + "' has its own record and is not ignored");
    }
  }
}
