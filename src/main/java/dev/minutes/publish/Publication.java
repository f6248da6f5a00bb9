package dev.minutes.publish;

import dev.minutes.render.FrontMatter;

/**
 * One meeting's final minutes, as frozen at close, to be delivered to every target.
 *
 * @param meetingId the meeting
 * @param frontMatter its front matter at the frozen heads
 * @param markdown the whole published file (front matter and body), rendered once
 * @param closedAt when the meeting closed (ISO-8601 UTC)
 */
public record Publication(
    String meetingId, FrontMatter frontMatter, String markdown, String closedAt) {}
