package dev.minutes.sync.codec;

/**
 * One automerge-repo message, as carried by one binary WebSocket frame.
 *
 * <p>Messages that hold bytes ({@link Sync}, {@link Request}, {@link Ephemeral}) do not copy their
 * arrays: whoever builds one hands the array over and must not modify it afterwards.
 */
public sealed interface ProtocolMessage
    permits Join, Peer, ErrorMessage, Leave, Sync, Request, DocUnavailable, Ephemeral, Ignored {

  String JOIN = "join";
  String PEER = "peer";
  String ERROR = "error";
  String LEAVE = "leave";
  String SYNC = "sync";
  String REQUEST = "request";
  String DOC_UNAVAILABLE = "doc-unavailable";
  String EPHEMERAL = "ephemeral";

  /** The wire {@code type}, e.g. {@code "sync"}. */
  String type();

  /** The peer id of the sender; never null. */
  String senderId();
}
