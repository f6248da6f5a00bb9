package dev.minutes.sync;

/**
 * What one connection may do, decided once when it opens.
 *
 * @param documentId the only document it may sync
 * @param mayWrite whether its changes may be applied (chair and editor: yes; viewer: no)
 * @param subject who it is, for logs (meeting id and role, never the token)
 */
public record AccessGrant(String documentId, boolean mayWrite, String subject) {}
