package dev.minutes.render;

import java.util.Objects;

/**
 * The person who wrote the minutes, as in the front matter's {@code author} mapping.
 *
 * <p>{@code uri} and {@code email} are optional in the docs site's model; an absent value is the
 * empty string here (rendered as {@code ''}), never {@code null}.
 */
public record Author(String name, String uri, String email) {
  public Author {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(uri, "uri (use \"\" when absent)");
    Objects.requireNonNull(email, "email (use \"\" when absent)");
  }
}
