package dev.minutes.meeting;

import dev.minutes.render.MinutesParser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * One export of a meeting (docs/contract.md §3): the bytes, their format and the name to save them
 * under. The name is the one the minutes were published under once closed ({@code <updated>-2.md}
 * when another meeting had that date: a file saved as {@code <updated>.md} would replace the other
 * meeting's minutes where someone uploads it by hand), else the meeting's date, {@code
 * <updated>.<format>}; a date the document's writers made up is never used as is, because it ends
 * up in a response header.
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

  /**
   * What names an export besides the document: the name the minutes were published under (null
   * before the first close) and the date to fall back to when the document's own is not a date.
   */
  record Naming(String publishedName, String fallbackDate) {
    /** {@code <updated>.<extension>}, or the published name's base when there is one. */
    String fileName(String updated, ExportFormat format) {
      return base(updated) + "." + format.extension();
    }

    private String base(String updated) {
      if (publishedName != null && PUBLISHED_NAME.matcher(publishedName).matches()) {
        return publishedName.substring(0, publishedName.length() - ".md".length());
      }
      return PublishableMinutes.validDate(updated)
          ? updated
          : PublishableMinutes.validDate(fallbackDate) ? fallbackDate : "minutes";
    }
  }

  /** {@code <updated>.md} or {@code <updated>-<n>.md}, as a close names the published file. */
  private static final Pattern PUBLISHED_NAME =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-[1-9]\\d{0,5})?\\.md");

  /** The published file ({@code minutes.md}), named by the date in its front matter. */
  static ExportedMeeting markdown(String minutes, Naming naming) {
    String updated = MinutesParser.parse(minutes).frontMatter().updated();
    return new ExportedMeeting(
        minutes.getBytes(StandardCharsets.UTF_8),
        ExportFormat.MD,
        naming.fileName(updated, ExportFormat.MD));
  }

  /** The whole saved document, history included. */
  static ExportedMeeting automerge(MeetingDocument.Saved saved, Naming naming) {
    return new ExportedMeeting(
        saved.bytes(),
        ExportFormat.AUTOMERGE,
        naming.fileName(saved.updated(), ExportFormat.AUTOMERGE));
  }

  /** The stored document's {@code id}, {@code meta}, {@code body}, … as one JSON object. */
  static ExportedMeeting json(String meetingId, MeetingDocument.Contents contents, Naming naming) {
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
        naming.fileName(snapshot.meta().updated(), ExportFormat.JSON));
  }
}
