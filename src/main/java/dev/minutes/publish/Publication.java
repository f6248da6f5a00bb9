package dev.minutes.publish;

import dev.minutes.render.FrontMatter;
import java.util.List;

/**
 * One meeting's final minutes, as frozen at close, to be delivered to every target.
 *
 * @param meetingId the meeting
 * @param frontMatter its front matter at the frozen heads, with the permalink it is published under
 * @param markdown the whole published file (front matter and body), rendered once
 * @param closedAt when the meeting closed (ISO-8601 UTC)
 * @param revision 1 for the first close, one more for each correction
 * @param fileName the published file name: {@code <updated>.md}, or {@code <updated>-<n>.md} when
 *     another meeting published under that name first (decided once, at the first close)
 * @param earlierRevisions the published files of the earlier revisions, oldest first: a correction
 *     may replace them, and nothing else
 */
public record Publication(
    String meetingId,
    FrontMatter frontMatter,
    String markdown,
    String closedAt,
    int revision,
    String fileName,
    List<String> earlierRevisions) {

  public Publication {
    earlierRevisions = List.copyOf(earlierRevisions);
  }
}
