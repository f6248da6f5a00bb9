package dev.minutes.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver-side Standard Webhooks verifier written from the specification, independent of the
 * server's signer (the official Java artifact on Maven Central,
 * com.standardwebhooks:standardwebhooks 1.0.0, resolves but ships no classes). Verification: the
 * three headers are present, the timestamp is within the tolerance of now, and at least one {@code
 * v1,<base64>} entry of the space-separated signature list equals the HMAC-SHA256 of {@code
 * id.timestamp.body} under one of the receiver's secrets (base64 after {@code whsec_}), compared in
 * constant time.
 */
public final class StandardWebhooksVerifier {
  private static final Duration TOLERANCE = Duration.ofMinutes(5);

  private final List<byte[]> keys = new ArrayList<>();

  public StandardWebhooksVerifier(List<String> secrets) {
    for (String secret : secrets) {
      String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
      keys.add(Base64.getDecoder().decode(encoded));
    }
  }

  /** Why the request is not authentic, or null when it is. */
  public String problem(String id, String timestamp, String signatures, byte[] body, Instant now) {
    if (id == null || timestamp == null || signatures == null) {
      return "missing webhook-id, webhook-timestamp or webhook-signature";
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return "webhook-timestamp is not an integer";
    }
    if (Duration.between(Instant.ofEpochSecond(seconds), now).abs().compareTo(TOLERANCE) > 0) {
      return "webhook-timestamp outside the tolerance";
    }
    byte[] content = concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
    for (String entry : signatures.split(" ")) {
      int comma = entry.indexOf(',');
      if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
        continue;
      }
      byte[] presented;
      try {
        presented = Base64.getDecoder().decode(entry.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (byte[] key : keys) {
        if (MessageDigest.isEqual(hmac(key, content), presented)) {
          return null;
        }
      }
    }
    return "no signature matches";
  }

  private static byte[] hmac(byte[] key, byte[] content) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(content);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
