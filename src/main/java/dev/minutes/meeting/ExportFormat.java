package dev.minutes.meeting;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The forms a meeting can be exported in (docs/contract.md §3), each with its media type. */
public enum ExportFormat {
  /** The published minutes file, exactly as {@code minutes.md} gives it. */
  MD("md", "text/markdown; charset=utf-8"),
  /** The stored document's contents as JSON. */
  JSON("json", "application/json"),
  /** The stored document with its whole history, as {@code Automerge.save} writes it. */
  AUTOMERGE("automerge", "application/octet-stream");

  private final String extension;
  private final String contentType;

  ExportFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  /** The {@code format} query value naming this form, also the file name's extension. */
  public String extension() {
    return extension;
  }

  public String contentType() {
    return contentType;
  }

  /** The format a request names; anything else is 400 {@code invalid_format} naming the allowed. */
  public static ExportFormat parse(String requested) {
    for (ExportFormat format : values()) {
      if (format.extension.equals(requested)) {
        return format;
      }
    }
    String allowed =
        Arrays.stream(values()).map(ExportFormat::extension).collect(Collectors.joining(", "));
    String got =
        requested == null
            ? "none was given"
            : "got '" + truncated(requested).toLowerCase(Locale.ROOT) + "'";
    throw MeetingException.invalid(
        "invalid_format", "format must be one of " + allowed + "; " + got);
  }

  /** Enough of a hostile value to recognise it in a message, never a whole megabyte of it. */
  private static String truncated(String value) {
    String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }
}
