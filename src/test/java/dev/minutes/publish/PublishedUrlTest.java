package dev.minutes.publish;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Links to published minutes (MINUTES_PUBLISHED_URL)")
class PublishedUrlTest {

  @Test
  @DisplayName("replaces {permalink} and {path}")
  void expands() {
    assertThat(
            PublishedUrl.of("https://example.org/weekly/{permalink}/?src={path}")
                .expand("weekly-2026-12-09-2", "2026-12-09-2.md"))
        .isEqualTo("https://example.org/weekly/weekly-2026-12-09-2/?src=2026-12-09-2.md");
  }

  @Test
  @DisplayName(
      "a permalink typed by collaborators cannot leave its path segment or change the host")
  void encodesUserText() {
    assertThat(
            PublishedUrl.of("https://example.org/weekly/{permalink}")
                .expand("../../@evil.example/x?y#z é", "x.md"))
        .isEqualTo("https://example.org/weekly/..%2F..%2F%40evil.example%2Fx%3Fy%23z%20%C3%A9");
  }

  @Test
  @DisplayName(
      "the docs site's address is the template's scheme, host and port, where site-relative links lead")
  void site() {
    assertThat(PublishedUrl.of("https://example.org/weekly/{permalink}").site())
        .isEqualTo("https://example.org");
    assertThat(PublishedUrl.of("http://docs.internal:8443/minutes/{path}?v=1").site())
        .isEqualTo("http://docs.internal:8443");
  }
}
