package dev.minutes.http;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The load balancers in front of a node ({@code MINUTES_TRUSTED_PROXIES}: addresses or CIDR
 * ranges), and through them the address of the client a request comes from. Behind a proxy every
 * connection comes from the proxy's address, so limits per address (sync connections) would count
 * all clients as one. A request from a trusted proxy is attributed to the right-most {@code
 * X-Forwarded-For} entry that is not itself a trusted proxy: entries further left were written by
 * the client and prove nothing. A request from anywhere else is its connection's address, whatever
 * headers it sends. So name only the balancers: a host in a trusted range is believed about whom it
 * forwards for, and a client connecting from one could claim any address.
 */
public final class TrustedProxies {
  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final String FORWARDED_PROTO = "X-Forwarded-Proto";

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /** Trusts no proxy: every request is its connection's address. */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of());
  }

  /**
   * Parses addresses ({@code 10.0.0.5}, {@code ::1}) and CIDR ranges ({@code 10.0.0.0/8}, {@code
   * fd00::/8}); names are refused, so that nothing here waits for DNS.
   *
   * @throws IllegalArgumentException naming the entry that is neither
   */
  public static TrustedProxies parse(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      ranges.add(Range.parse(entry));
    }
    return new TrustedProxies(List.copyOf(ranges));
  }

  /** The address of the client {@code request} comes from, as text. */
  public String clientOf(HttpServerRequest request) {
    return clientOf(connectionOf(request), request.headers().getAll(FORWARDED_FOR));
  }

  private static String connectionOf(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }

  /**
   * The scheme the client used: a trusted proxy that terminates TLS says so in {@code
   * X-Forwarded-Proto}; anything else is the connection's own scheme.
   */
  public String schemeOf(HttpServerRequest request) {
    List<String> forwarded = request.headers().getAll(FORWARDED_PROTO);
    if (!forwarded.isEmpty() && trusts(connectionOf(request))) {
      // The nearest proxy's word, as for X-Forwarded-For: the last value of the last header.
      String[] values = forwarded.get(forwarded.size() - 1).split(",");
      String nearest = values[values.length - 1].trim().toLowerCase(Locale.ROOT);
      if (nearest.equals("https") || nearest.equals("http")) {
        return nearest;
      }
    }
    return request.scheme();
  }

  /**
   * The client behind {@code connection} given the {@code X-Forwarded-For} headers it sent (in
   * order; each a comma-separated list, the nearest hop last).
   */
  String clientOf(String connection, List<String> forwardedFor) {
    if (!trusts(connection)) {
      return canonical(connection);
    }
    List<String> hops =
        forwardedFor.stream()
            .flatMap(header -> Arrays.stream(header.split(",")))
            .map(TrustedProxies::bareAddress)
            .filter(hop -> !hop.isEmpty())
            .toList();
    // Believed when nothing further left is an untrusted address: the nearest proxy's word.
    String fallback = canonical(connection);
    for (int i = hops.size() - 1; i >= 0; i--) {
      byte[] hop = ipv4IfMapped(NetUtil.createByteArrayFromIpAddressString(hops.get(i)));
      if (hop == null) {
        // Not an address ("unknown", garbage): nothing further left can be placed either.
        break;
      }
      if (!trusts(hop)) {
        return NetUtil.bytesToIpAddress(hop);
      }
      if (i == hops.size() - 1) {
        fallback = NetUtil.bytesToIpAddress(hop);
      }
    }
    return fallback;
  }

  /** One text per address: {@code ::ffff:a.b.c.d} as {@code a.b.c.d}, IPv6 compressed. */
  private static String canonical(String address) {
    byte[] bytes = ipv4IfMapped(NetUtil.createByteArrayFromIpAddressString(address));
    return bytes == null ? address : NetUtil.bytesToIpAddress(bytes);
  }

  /** Whether {@code address} (an IP literal) is one of the trusted proxies. */
  public boolean trusts(String address) {
    byte[] bytes = ipv4IfMapped(NetUtil.createByteArrayFromIpAddressString(address));
    return bytes != null && trusts(bytes);
  }

  private boolean trusts(byte[] address) {
    return ranges.stream().anyMatch(range -> range.contains(address));
  }

  @Override
  public String toString() {
    return "TrustedProxies" + ranges;
  }

  /**
   * An IPv4 client of a server listening on IPv6 shows as {@code ::ffff:a.b.c.d}: the IPv4 ranges
   * must still match it.
   */
  private static byte[] ipv4IfMapped(byte[] address) {
    if (address == null || address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    boolean mapped = address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    return mapped ? Arrays.copyOfRange(address, 12, 16) : address;
  }

  /** Drops what a proxy may write around an address: spaces, IPv6 brackets, an IPv4 port. */
  private static String bareAddress(String hop) {
    String trimmed = hop.trim();
    if (trimmed.startsWith("[")) {
      int end = trimmed.indexOf(']');
      return end > 0 ? trimmed.substring(1, end) : trimmed;
    }
    int colon = trimmed.indexOf(':');
    if (colon > 0 && colon == trimmed.lastIndexOf(':')) {
      return trimmed.substring(0, colon);
    }
    return trimmed;
  }

  /** An address and how many leading bits of it a trusted address shares. */
  private record Range(byte[] network, int prefixBits) {
    @Override
    public String toString() {
      return NetUtil.bytesToIpAddress(network) + "/" + prefixBits;
    }

    static Range parse(String entry) {
      String text = entry.trim();
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
      if (bytes == null) {
        throw new IllegalArgumentException(
            "'" + entry + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)");
      }
      if (bytes.length == 16 && ipv4IfMapped(bytes).length == 4) {
        throw new IllegalArgumentException(
            "'" + entry + "' is an IPv4 address written as IPv6: write it as IPv4");
      }
      int maxBits = bytes.length * 8;
      int bits = maxBits;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > maxBits) {
          throw new IllegalArgumentException(
              "'" + entry + "' has a prefix length outside 0.." + maxBits);
        }
      }
      return new Range(bytes, bits);
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefixBits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest);
      return (address[full] & mask) == (network[full] & mask);
    }
  }
}
