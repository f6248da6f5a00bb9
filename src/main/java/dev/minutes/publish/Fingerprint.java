package dev.minutes.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The whole hash of a published file: tells one meeting's file from another's. */
final class Fingerprint {
  private Fingerprint() {}

  /** The whole SHA-256 (hex) of a text: tells one published file from another. */
  static String ofContent(String text) {
    return ofContent(text.getBytes(StandardCharsets.UTF_8));
  }

  static String ofContent(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
