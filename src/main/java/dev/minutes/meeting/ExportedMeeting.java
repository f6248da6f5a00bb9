package dev.minutes.meeting;

import dev.minutes.render.MinutesParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One export of a meeting (docs/contract.md §3): the bytes, their format and the name to save them
 * under. The name is the meeting's date, {@code <updated>.<format>}; a date the document's writers
 * made up is never used as is, because it ends up in a response header.
 */
public record ExportedMeeting(byte[] bytes, ExportFormat format, String fileName) {
  /**
   * The {@code Content-Disposition} header. The name is a date (or {@code minutes}) and an
   * extension: digits, letters, dots and dashes, which need no quoting rules and cannot end the
   * header early.
   */
  public String contentDisposition() {
    return "attachment; filename=\"" + fileName + "\"";
  }

  /** The published file ({@code minutes.md}), named by the date in its front matter. */
  static ExportedMeeting markdown(String minutes, String fallbackDate) {
    String updated = MinutesParser.parse(minutes).frontMatter().updated();
    return new ExportedMeeting(
        minutes.getBytes(StandardCharsets.UTF_8),
        ExportFormat.MD,
        fileName(updated, fallbackDate, ExportFormat.MD));
  }

  /** The whole saved document, history included. */
  static ExportedMeeting automerge(MeetingDocument.Saved saved, String fallbackDate) {
    return new ExportedMeeting(
        saved.bytes(),
        ExportFormat.AUTOMERGE,
        fileName(saved.updated(), fallbackDate, ExportFormat.AUTOMERGE));
  }

  /** The stored document's {@code id}, {@code meta}, {@code body}, … as one JSON object. */
  static ExportedMeeting json(
      String meetingId, MeetingDocument.Contents contents, String fallbackDate) {
    MeetingDocument.Snapshot snapshot = contents.snapshot();
    JsonObject people = new JsonObject();
    contents.people().forEach(people::put);
    JsonObject json =
        new JsonObject()
            .put("id", meetingId)
            .put("meta", new JsonObject(snapshot.meta().fields()))
            .put("body", snapshot.body())
            .put("status", snapshot.status())
            .put(
                "closed",
                contents
                    .closed()
                    .map(
                        closed ->
                            new JsonObject()
                                .put("at", closed.at())
                                .put("by", closed.by())
                                .put("heads", new JsonArray(closed.heads())))
                    .orElse(null))
            .put("people", people)
            .put("heads", new JsonArray(contents.heads()));
    return new ExportedMeeting(
        json.encode().getBytes(StandardCharsets.UTF_8),
        ExportFormat.JSON,
        fileName(snapshot.meta().updated(), fallbackDate, ExportFormat.JSON));
  }

  /**
   * {@code <updated>.<extension>} when {@code updated} is a real date, else the meeting's creation
   * date (what a publication falls back to as well), else plain {@code minutes}.
   */
  static String fileName(String updated, String fallbackDate, ExportFormat format) {
    String base =
        PublishableMinutes.validDate(updated)
            ? updated
            : PublishableMinutes.validDate(fallbackDate) ? fallbackDate : "minutes";
    return base + "." + format.extension();
  }
}
