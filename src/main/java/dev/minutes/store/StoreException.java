package dev.minutes.store;

/**
 * An expected refusal or outage of the store. Created without a stack trace because callers handle
 * these as ordinary outcomes; the cause (for {@link Reason#UNAVAILABLE}) keeps the low-level
 * detail.
 */
public final class StoreException extends RuntimeException {

  public enum Reason {
    /** {@code create} was called with an id that is already taken. */
    DOCUMENT_EXISTS,
    /** The document does not exist. */
    UNKNOWN_DOCUMENT,
    /** The document's write gate is closed; only system appends are accepted. */
    WRITES_CLOSED,
    /**
     * The store could not be reached or did not answer in time; the outcome of a write is unknown.
     */
    UNAVAILABLE
  }

  private final Reason reason;

  public StoreException(Reason reason, String message) {
    this(reason, message, null);
  }

  public StoreException(Reason reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
