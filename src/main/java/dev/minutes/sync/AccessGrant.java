package dev.minutes.sync;

/**
 * What one connection may do, decided once when it opens.
 *
 * @param scope the documents it may sync: one meeting's (a meeting token), or every meeting of a
 *     series, present and future (a series token)
 * @param mayWrite whether its changes may be applied (chair and editor: yes; viewer: no)
 * @param subject who it is, for logs (meeting or series id and role, never the token)
 */
public record AccessGrant(DocumentScope scope, boolean mayWrite, String subject) {

  /** A grant of exactly one document. */
  public static AccessGrant single(String documentId, boolean mayWrite, String subject) {
    return new AccessGrant(DocumentScope.only(documentId), mayWrite, subject);
  }
}
