package dev.minutes.meeting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Meeting tokens: 256-bit random secrets handed out once, stored only as SHA-256 hashes and
 * compared in constant time. A token is never logged; {@link #fingerprint} is safe to log.
 */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TOKEN_BYTES = 32;

  private Tokens() {}

  /** A fresh token, URL-safe, prefixed by its role's initial so people can tell links apart. */
  public static String issue(Role role) {
    byte[] secret = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(secret);
    return role.label().charAt(0)
        + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /**
   * A fresh series token: like a meeting's, prefixed {@code s} and its role's initial ({@code
   * sc_…}), so people can tell a series link from a meeting link.
   */
  public static String issueForSeries(Role role) {
    return "s" + issue(role);
  }

  /**
   * The role whose token hash {@code record} keeps (as {@code token:<role>}) matches {@code token},
   * compared in constant time; empty when none does.
   */
  public static Optional<Role> roleIn(Map<String, String> record, String token) {
    for (Role role : Role.values()) {
      if (matches(token, record.get("token:" + role.label()))) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** Hex SHA-256 of the token: what Redis keeps. */
  public static String hash(String token) {
    return HexFormat.of().formatHex(digest(token));
  }

  /** Constant-time comparison of a presented token against a stored hash. */
  public static boolean matches(String token, String storedHash) {
    if (token == null || storedHash == null) {
      return false;
    }
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(storedHash);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(digest(token), expected);
  }

  /** A short, non-reversible label of a token for logs (first 8 hex chars of its hash). */
  public static String fingerprint(String token) {
    return hash(token).substring(0, 8);
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }
}
