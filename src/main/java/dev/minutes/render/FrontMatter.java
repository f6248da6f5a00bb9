package dev.minutes.render;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The published front matter, every value kept as the exact text of the file (no date conversion).
 *
 * <p>The record only forbids {@code null}; the rules a publishable value must follow (a real date
 * {@code YYYY-MM-DD}, a non-empty subject, single-line text) are checked by {@link
 * MinutesRenderer#validate(FrontMatter)}, which both the renderer and the parser enforce.
 */
public record FrontMatter(
    String updated, Author author, String subject, String permalink, String description) {

  public FrontMatter {
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(permalink, "permalink");
    Objects.requireNonNull(description, "description");
  }

  /**
   * The front matter the docs site uses for a meeting on {@code date}: subject {@code Weekly
   * Meeting: <date>} and permalink {@code weekly-<date>}, as in every published file.
   */
  public static FrontMatter forMeeting(String date, Author author, String description) {
    return new FrontMatter(date, author, "Weekly Meeting: " + date, "weekly-" + date, description);
  }

  /**
   * The fields by their front matter names, in the file's order, the author as a nested map: the
   * {@code meta} of the API (contract §3) and {@code frontMatter} of the webhook (contract §5).
   */
  public Map<String, Object> fields() {
    Map<String, Object> authorFields = new LinkedHashMap<>();
    authorFields.put("name", author.name());
    authorFields.put("uri", author.uri());
    authorFields.put("email", author.email());
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("updated", updated);
    fields.put("author", authorFields);
    fields.put("subject", subject);
    fields.put("permalink", permalink);
    fields.put("description", description);
    return fields;
  }

  /** The published file name, {@code <updated>.md}. */
  public String fileName() {
    return updated + ".md";
  }
}
