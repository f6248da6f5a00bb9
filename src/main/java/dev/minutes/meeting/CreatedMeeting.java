package dev.minutes.meeting;

import java.util.Map;

/**
 * A new meeting as its creator sees it once: the only time the tokens are shown.
 *
 * @param id the meeting id (also its document id)
 * @param documentUrl the {@code automerge:} URL clients find
 * @param status "open"
 * @param tokens one token per role
 */
public record CreatedMeeting(
    String id, String documentUrl, String status, Map<Role, String> tokens) {}
