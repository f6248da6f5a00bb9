package dev.minutes.sync.codec;

/**
 * Untrusted bytes were refused: a frame that is not a well-formed protocol message, or a sync
 * message whose layout is broken. The message says precisely what is wrong, for logs and for the
 * {@code error} reply; it never contains the offending payload.
 *
 * <p>Refusals are expected events driven by remote input, so the exception carries no stack trace:
 * building one per hostile frame would only cost CPU.
 */
public final class MalformedMessageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public MalformedMessageException(String reason) {
    super(reason, null, false, false);
  }

  /** The reason for the refusal (same as {@link #getMessage()}). */
  public String reason() {
    return getMessage();
  }
}
