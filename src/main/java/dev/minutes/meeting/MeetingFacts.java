package dev.minutes.meeting;

import dev.minutes.render.ActionItem;
import dev.minutes.render.ActionItems;
import dev.minutes.render.FrontMatter;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What a meeting says and where it stands, read for a following meeting and for its series'
 * overview (no token check: callers have checked theirs).
 *
 * @param id the meeting id (also its document id)
 * @param documentUrl its {@code automerge:} URL
 * @param status {@code open} or {@code closed} (a close under way is still {@code open})
 * @param revision how many times it was closed and published: 0 before the first close, then 1,
 *     then one more per correction
 * @param meta its front matter now, or as published once closed
 * @param body its body now, or as published once closed
 * @param date its date: {@code meta.updated}, or the date it was created with when collaborators
 *     broke that
 * @param chair the chair it was created with ("" when none)
 * @param attendees the attendees it was created with, the chair not repeated
 * @param series the series it belongs to, if any
 * @param publishedPermalink the permalink its minutes are published under, once they are
 */
public record MeetingFacts(
    String id,
    String documentUrl,
    String status,
    int revision,
    FrontMatter meta,
    String body,
    LocalDate date,
    String chair,
    List<String> attendees,
    Optional<String> series,
    Optional<String> publishedPermalink) {

  public MeetingFacts {
    attendees = List.copyOf(attendees);
  }

  public boolean closed() {
    return status.equals("closed");
  }

  /** Open again after a close, for corrections: not a call in progress. */
  public boolean reopened() {
    return !closed() && revision > 0;
  }

  /** The permalink that links to its minutes: the published one once published. */
  public String permalink() {
    return publishedPermalink.orElse(meta.permalink());
  }

  /** The body's action items, in order. */
  public List<ActionItem> actionItems() {
    return ActionItems.parse(body);
  }
}
