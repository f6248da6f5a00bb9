package dev.minutes.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A parsed Redis URL: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...} for
 * TLS. Credentials may be percent-encoded. {@link #toString()} never shows the password.
 */
record RedisEndpoint(
    boolean tls, String host, int port, String username, String password, int database) {

  static final int DEFAULT_PORT = 6379;

  static RedisEndpoint parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("Redis URL must not be empty");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Redis URL is malformed: " + redact(url), e);
    }
    String scheme = uri.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme)) {
      throw new IllegalArgumentException(
          "Redis URL must start with redis:// or rediss://: " + redact(url));
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("Redis URL has no host: " + redact(url));
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "Redis URL must not have a query or fragment: " + redact(url));
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      String rawUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
      String rawPassword = colon < 0 ? null : userInfo.substring(colon + 1);
      // "redis://secret@host" is the common shorthand for a password without a user name.
      if (rawPassword == null) {
        password = decode(rawUser);
      } else {
        username = rawUser.isEmpty() ? null : decode(rawUser);
        password = decode(rawPassword);
      }
    }
    return new RedisEndpoint(
        "rediss".equals(scheme), uri.getHost(), port, username, password, database(uri, url));
  }

  /** The address in the form Redisson expects, without credentials or database. */
  String address() {
    return (tls ? "rediss://" : "redis://") + host + ":" + port;
  }

  @Override
  public String toString() {
    String credentials = password == null ? "" : (username == null ? "" : username) + ":***@";
    return (tls ? "rediss://" : "redis://") + credentials + host + ":" + port + "/" + database;
  }

  private static int database(URI uri, String url) {
    String path = uri.getPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return 0;
    }
    try {
      int database = Integer.parseInt(path.substring(1));
      if (database < 0) {
        throw new IllegalArgumentException("Redis database must not be negative: " + redact(url));
      }
      return database;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Redis URL path must be a database number: " + redact(url), e);
    }
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Hides everything between the scheme and '@' so error messages never leak a password. */
  static String redact(String url) {
    int at = url.lastIndexOf('@');
    int schemeEnd = url.indexOf("://");
    if (at < 0 || schemeEnd < 0 || at < schemeEnd) {
      return url;
    }
    return url.substring(0, schemeEnd + 3) + "***" + url.substring(at);
  }
}
