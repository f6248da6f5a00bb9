package dev.minutes.meeting;

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
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  static MeetingException invalid(String code, String message) {
    return new MeetingException(Kind.INVALID, code, message);
  }
}
