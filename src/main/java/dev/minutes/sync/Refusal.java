package dev.minutes.sync;

/**
 * An expected refusal of something a client sent: created without a stack trace, logged at WARN
 * with the peer, answered with a protocol {@code error} message (and, for some reasons, a close).
 */
public final class Refusal extends RuntimeException {

  /**
   * Why something was refused; {@link #closeCode} is the WebSocket close code when the socket must
   * go.
   */
  /** The document's stored bytes could not be loaded now; the client may try again. */
  static Refusal cannotOpen(String documentId) {
    return new Refusal(
        Reason.OVERLOADED, "document " + documentId + " cannot be opened now, try again");
  }

  public enum Reason {
    MALFORMED_MESSAGE(1007),
    TEXT_FRAME(1003),
    MESSAGE_TOO_LARGE(1009),
    UNSUPPORTED_PROTOCOL_VERSION(1002),
    NOT_JOINED(0),
    SENDER_MISMATCH(0),
    UNSUPPORTED_MESSAGE_TYPE(0),
    UNKNOWN_DOCUMENT(0),
    TOO_MANY_DOCUMENTS(0),
    READ_ONLY(0),
    MEETING_CLOSED(0),
    SYNC_REJECTED(0),
    BODY_LIMIT(0),
    CHANGE_LIMIT(0),
    SLOW_CONSUMER(1008),
    OVERLOADED(1013);

    private final int closeCode;

    Reason(int closeCode) {
      this.closeCode = closeCode;
    }

    /** The close code, or 0 when the socket stays usable. */
    public int closeCode() {
      return closeCode;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final Reason reason;

  public Refusal(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** The text sent to the client in the protocol error message. */
  public String clientMessage() {
    return reason.label() + ": " + getMessage();
  }
}
