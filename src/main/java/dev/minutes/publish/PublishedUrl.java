package dev.minutes.publish;

import dev.minutes.render.PathSegment;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the docs site shows published minutes ({@code MINUTES_PUBLISHED_URL}): a URL template whose
 * {@code {permalink}} and {@code {path}} are replaced by a publication's permalink and file name,
 * e.g. {@code https://example.org/weekly/{permalink}}.
 *
 * <p>The values come from what collaborators typed (the permalink), so each is percent-encoded as
 * one path segment: a permalink can neither leave the path nor point at another host.
 */
public final class PublishedUrl {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)\\}");

  private final String template;

  private PublishedUrl(String template) {
    this.template = template;
  }

  /**
   * A checked template: an {@code http} or {@code https} URL with a host, naming {@code
   * {permalink}} or {@code {path}} (else every publication would get the same link), and no other
   * placeholder.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static PublishedUrl of(String template) {
    Matcher placeholders = PLACEHOLDER.matcher(template);
    boolean named = false;
    while (placeholders.find()) {
      String name = placeholders.group(1);
      if (!name.equals("permalink") && !name.equals("path")) {
        throw new IllegalArgumentException(
            "has the unknown placeholder {" + name + "}; use {permalink} or {path}");
      }
      named = true;
    }
    if (!named) {
      throw new IllegalArgumentException(
          "must contain {permalink} or {path}, e.g. https://example.org/weekly/{permalink}");
    }
    String sample = template.replace("{permalink}", "p").replace("{path}", "p.md");
    try {
      URI uri = new URI(sample);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "must be an http:// or https:// URL with a host, got '" + template + "'");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a valid URL: " + e.getMessage(), e);
    }
    return new PublishedUrl(template);
  }

  /**
   * The docs site's address ({@code https://example.org}, with a port if the template has one):
   * where the minutes' site-relative links ({@code /weekly/weekly-2014-05-27}) lead when the docs
   * site shows them.
   */
  public String site() {
    URI uri = URI.create(template.replace("{permalink}", "p").replace("{path}", "p.md"));
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
  }

  /** The link of one publication. */
  public String expand(String permalink, String path) {
    return template
        .replace("{permalink}", PathSegment.encode(permalink))
        .replace("{path}", PathSegment.encode(path));
  }

  @Override
  public String toString() {
    return template;
  }
}
