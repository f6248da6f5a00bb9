package dev.minutes.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The client behind a trusted load balancer")
class TrustedProxiesTest {
  private final TrustedProxies proxies =
      TrustedProxies.parse(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

  @Test
  @DisplayName("from a trusted proxy: the right-most forwarded address that is not a proxy")
  void behindProxy() {
    assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.4"))).isEqualTo("198.51.100.4");
    // The client wrote the first entry itself; the proxies appended the rest.
    assertThat(proxies.clientOf("10.1.2.3", List.of("203.0.113.9, 198.51.100.4, 10.9.9.9")))
        .isEqualTo("198.51.100.4");
    // Two headers count as one list, in order.
    assertThat(proxies.clientOf("192.168.1.7", List.of("203.0.113.9", "198.51.100.4")))
        .isEqualTo("198.51.100.4");
    assertThat(proxies.clientOf("fd12::1", List.of("[2001:db8::5]", "fd00::2")))
        .isEqualTo("2001:db8::5");
    assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.4:51234")))
        .isEqualTo("198.51.100.4");
  }

  @Test
  @DisplayName("from anywhere else: the connection's address, whatever it claims")
  void directClient() {
    assertThat(proxies.clientOf("198.51.100.4", List.of("10.1.1.1"))).isEqualTo("198.51.100.4");
    assertThat(proxies.clientOf("192.168.1.8", List.of("203.0.113.9"))).isEqualTo("192.168.1.8");
    assertThat(TrustedProxies.none().clientOf("10.1.2.3", List.of("203.0.113.9")))
        .isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName(
      "a proxy that forwards nothing, only proxies or something that is no address: the nearest"
          + " hop a proxy wrote")
  void onlyProxies() {
    assertThat(proxies.clientOf("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
    assertThat(proxies.clientOf("10.1.2.3", List.of(" , "))).isEqualTo("10.1.2.3");
    assertThat(proxies.clientOf("10.1.2.3", List.of("10.0.0.9, 10.0.0.8"))).isEqualTo("10.0.0.8");
    assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.4, unknown, 10.0.0.8")))
        .isEqualTo("10.0.0.8");
    assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.4, unknown")))
        .isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName("one client is one key however its address is written")
  void canonicalAddresses() {
    assertThat(proxies.clientOf("10.1.2.3", List.of("::ffff:198.51.100.4")))
        .isEqualTo("198.51.100.4");
    assertThat(proxies.clientOf("10.1.2.3", List.of("2001:DB8:0:0::5"))).isEqualTo("2001:db8::5");
    assertThat(proxies.clientOf("::ffff:198.51.100.4", List.of())).isEqualTo("198.51.100.4");
  }

  @Test
  @DisplayName("ranges match by their prefix bits")
  void ranges() {
    TrustedProxies odd = TrustedProxies.parse(List.of("172.16.0.0/12", "0.0.0.0/0"));
    assertThat(odd.trusts("172.31.255.255")).isTrue();
    assertThat(TrustedProxies.parse(List.of("172.16.0.0/12")).trusts("172.32.0.1")).isFalse();
    assertThat(odd.trusts("8.8.8.8")).isTrue();
    assertThat(odd.trusts("::1")).isFalse();
    assertThat(proxies.trusts("not an address")).isFalse();
    assertThat(proxies.trusts("::ffff:10.1.2.3")).as("an IPv4 peer of an IPv6 socket").isTrue();
    assertThat(proxies.trusts("::ffff:11.1.2.3")).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "proxy.internal",
        "10.0.0.0/33",
        "fd00::/129",
        "10.0.0.0/x",
        "10.0.0/8",
        "::ffff:10.0.0.0/104"
      })
  @DisplayName("refuses what is not an address or a range, naming it")
  void refuses(String entry) {
    assertThatThrownBy(() -> TrustedProxies.parse(List.of(entry)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + entry + "'");
  }
}
