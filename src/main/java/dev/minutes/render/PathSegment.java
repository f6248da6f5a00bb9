package dev.minutes.render;

import java.nio.charset.StandardCharsets;

/** One segment of a URL path, made from user text (a permalink, a file name). */
public final class PathSegment {
  private PathSegment() {}

  /**
   * {@code segment} percent-encoded: only RFC 3986 unreserved bytes stay, so the text can neither
   * leave its segment ({@code /}, {@code ?}, {@code #}) nor change the URL's host.
   */
  public static String encode(String segment) {
    StringBuilder encoded = new StringBuilder(segment.length());
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      boolean unreserved =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '_'
              || c == '~';
      if (unreserved) {
        encoded.append((char) c);
      } else {
        encoded.append('%').append(String.format("%02X", c));
      }
    }
    return encoded.toString();
  }
}
