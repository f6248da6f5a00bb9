package dev.minutes.render;

import java.util.Objects;

/**
 * One published minutes file: its front matter and its body.
 *
 * <p>{@code body} is everything after the closing {@code ---} line, byte for byte; in the corpus it
 * starts with an empty line, so it begins with {@code "\n"}.
 */
public record PublishedMinutes(FrontMatter frontMatter, String body) {
  public PublishedMinutes {
    Objects.requireNonNull(frontMatter, "frontMatter");
    Objects.requireNonNull(body, "body");
  }

  /** The whole file, exactly as {@link MinutesRenderer#render(FrontMatter, String)} writes it. */
  public String render() {
    return MinutesRenderer.render(frontMatter, body);
  }
}
