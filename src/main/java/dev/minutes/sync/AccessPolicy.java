package dev.minutes.sync;

import io.vertx.core.Future;

/**
 * Decides which document a sync connection may read and write. The meetings module implements it
 * with tokens; the sync module only asks.
 */
public interface AccessPolicy {
  /**
   * @param token the connection's token, null when none was given
   * @return the grant, or a failed future with an {@link AccessDenied} saying why
   */
  Future<AccessGrant> authorize(String token);

  /** A connection refused before it upgrades; {@code status} is the HTTP status to answer. */
  final class AccessDenied extends RuntimeException {
    private final int status;

    public AccessDenied(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }
}
