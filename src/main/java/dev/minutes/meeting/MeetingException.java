package dev.minutes.meeting;

import dev.minutes.store.StoreException;
import io.vertx.core.Future;

/**
 * An expected refusal of a meeting operation; the HTTP layer maps {@link Kind} to a status and
 * {@code code} to the JSON error code. Created without a stack trace.
 */
public final class MeetingException extends RuntimeException {

  /** The kind of refusal, each with its HTTP status. */
  public enum Kind {
    INVALID(400),
    UNAUTHORIZED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    CONFLICT(409),
    TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    UNAVAILABLE(503);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final String code;

  public MeetingException(Kind kind, String code, String message) {
    this(kind, code, message, null);
  }

  /** With the failure behind the refusal, for the log (never for the answer). */
  public MeetingException(Kind kind, String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  /**
   * A failure as the API answers it: Redis being unreachable becomes 503 {@code store_unavailable}
   * (nothing was changed), anything else stays as it is.
   */
  public static Throwable fromStore(Throwable failure) {
    if (failure instanceof StoreException e && e.reason() == StoreException.Reason.UNAVAILABLE) {
      return new MeetingException(
          Kind.UNAVAILABLE,
          "store_unavailable",
          "storage is unavailable right now; nothing was changed, retry",
          failure);
    }
    if (failure instanceof StoreException e
        && e.reason() == StoreException.Reason.UNKNOWN_DOCUMENT) {
      return new MeetingException(
          Kind.NOT_FOUND, "unknown_document", "the meeting's document is missing");
    }
    return failure;
  }

  /** {@link #fromStore} as a failed future, for {@code recover}. */
  static <T> Future<T> fromStoreFailure(Throwable failure) {
    return Future.failedFuture(fromStore(failure));
  }

  static MeetingException invalid(String code, String message) {
    return new MeetingException(Kind.INVALID, code, message);
  }
}
