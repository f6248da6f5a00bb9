package dev.minutes.publish;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with
 * the bytes after a secret's {@code whsec_} prefix (base64).
 *
 * <p>During a secret rotation several secrets are configured; the header then carries one signature
 * per secret, space-separated, in configuration order ({@code v1,a v1,b}), as the spec allows, so
 * receivers that know either secret accept the request. Secrets never appear in messages or {@link
 * #toString()}.
 */
public final class WebhookSigner {
  private static final String PREFIX = "whsec_";
  private static final String ALGORITHM = "HmacSHA256";

  private final List<SecretKeySpec> keys;

  /**
   * @param secrets {@code whsec_<base64>} secrets, at least one
   * @throws IllegalArgumentException naming the position of a malformed secret (not its value)
   */
  public WebhookSigner(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("MINUTES_WEBHOOK_SECRET: at least one secret is required");
    }
    List<SecretKeySpec> parsed = new ArrayList<>();
    for (int i = 0; i < secrets.size(); i++) {
      parsed.add(key(secrets.get(i), i + 1));
    }
    this.keys = List.copyOf(parsed);
  }

  private static SecretKeySpec key(String secret, int position) {
    if (!secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "MINUTES_WEBHOOK_SECRET: secret #" + position + " does not start with whsec_");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "MINUTES_WEBHOOK_SECRET: secret #" + position + " is not base64 after whsec_");
    }
    if (bytes.length == 0) {
      throw new IllegalArgumentException(
          "MINUTES_WEBHOOK_SECRET: secret #" + position + " is empty");
    }
    return new SecretKeySpec(bytes, ALGORITHM);
  }

  /** The {@code webhook-signature} header value for one request. */
  public String sign(String webhookId, long timestampSeconds, String body) {
    byte[] content =
        (webhookId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder();
    for (SecretKeySpec key : keys) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append("v1,").append(Base64.getEncoder().encodeToString(hmac(key, content)));
    }
    return header.toString();
  }

  private static byte[] hmac(SecretKeySpec key, byte[] content) {
    try {
      // Mac instances are not thread safe; creating one per signature is cheap next to an HTTP
      // request.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every JVM", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSigner[" + keys.size() + " secret(s)]";
  }
}
