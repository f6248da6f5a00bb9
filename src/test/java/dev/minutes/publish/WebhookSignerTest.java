package dev.minutes.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.support.PublishFixture;
import dev.minutes.support.StandardWebhooksVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Standard Webhooks signer")
class WebhookSignerTest {
  // The example of the Standard Webhooks reference libraries' tests.
  private static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long SPEC_TIMESTAMP = 1614265330;
  private static final String SPEC_BODY = "{\"test\": 2432232314}";
  private static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  @Test
  @DisplayName("signs the specification's example to the specification's signature")
  void knownVector() {
    assertThat(new WebhookSigner(List.of(SPEC_SECRET)).sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY))
        .isEqualTo(SPEC_SIGNATURE);
  }

  @Test
  @DisplayName(
      "signs with every secret during a rotation, space-separated, so a receiver knowing either accepts")
  void rotation() {
    String header =
        new WebhookSigner(List.of(SPEC_SECRET, PublishFixture.SECRET_B))
            .sign(SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY);
    assertThat(header).startsWith(SPEC_SIGNATURE + " v1,");
    assertThat(header.split(" ")).hasSize(2);
    Instant then = Instant.ofEpochSecond(SPEC_TIMESTAMP);
    byte[] body = SPEC_BODY.getBytes(StandardCharsets.UTF_8);
    String timestamp = Long.toString(SPEC_TIMESTAMP);
    assertThat(
            new StandardWebhooksVerifier(List.of(PublishFixture.SECRET_B))
                .problem(SPEC_ID, timestamp, header, body, then))
        .isNull();
    assertThat(
            new StandardWebhooksVerifier(List.of(SPEC_SECRET))
                .problem(SPEC_ID, timestamp, header, body, then))
        .isNull();
    assertThat(
            new StandardWebhooksVerifier(List.of("whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQ="))
                .problem(SPEC_ID, timestamp, header, body, then))
        .isEqualTo("no signature matches");
  }

  @Test
  @DisplayName("signs the body's UTF-8 bytes, so non-ASCII text verifies")
  void unicodeBody() {
    String body = "{\"markdown\":\"Grüße – 会議\"}";
    String header = new WebhookSigner(List.of(SPEC_SECRET)).sign(SPEC_ID, SPEC_TIMESTAMP, body);
    assertThat(
            new StandardWebhooksVerifier(List.of(SPEC_SECRET))
                .problem(
                    SPEC_ID,
                    Long.toString(SPEC_TIMESTAMP),
                    header,
                    body.getBytes(StandardCharsets.UTF_8),
                    Instant.ofEpochSecond(SPEC_TIMESTAMP)))
        .isNull();
  }

  @Test
  @DisplayName("refuses a malformed secret without repeating it, and never shows secrets")
  void secretsStayHidden() {
    String broken = "whsec_not*base64*at*all";
    assertThatThrownBy(() -> new WebhookSigner(List.of(SPEC_SECRET, broken)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#2")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not*base64"));
    assertThat(new WebhookSigner(List.of(SPEC_SECRET)).toString()).doesNotContain("MfKQ9r8G");
  }
}
