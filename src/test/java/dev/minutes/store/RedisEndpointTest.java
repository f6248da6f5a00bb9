package dev.minutes.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisEndpointTest {

  @Test
  @DisplayName("A plain URL gives host, port, database 0 and no credentials")
  void plainUrl() {
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://127.0.0.1:6380");
    assertThat(endpoint).isEqualTo(new RedisEndpoint(false, "127.0.0.1", 6380, null, null, 0));
    assertThat(endpoint.address()).isEqualTo("redis://127.0.0.1:6380");
  }

  @Test
  @DisplayName(
      "A TLS URL with percent-encoded credentials and a database is decoded, and toString hides the password")
  void fullUrl() {
    RedisEndpoint endpoint = RedisEndpoint.parse("rediss://app:p%40ss%3Aw+rd@redis.example:6390/3");
    assertThat(endpoint)
        .isEqualTo(new RedisEndpoint(true, "redis.example", 6390, "app", "p@ss:w+rd", 3));
    assertThat(endpoint.address()).isEqualTo("rediss://redis.example:6390");
    assertThat(endpoint.toString()).doesNotContain("p@ss").contains("app:***@");
  }

  @Test
  @DisplayName("User info without a colon is a password, and the port defaults to 6379")
  void passwordOnly() {
    assertThat(RedisEndpoint.parse("redis://secret@localhost"))
        .isEqualTo(new RedisEndpoint(false, "localhost", 6379, null, "secret", 0));
    assertThat(RedisEndpoint.parse("redis://:secret@localhost/2"))
        .isEqualTo(new RedisEndpoint(false, "localhost", 6379, null, "secret", 2));
  }

  @Test
  @DisplayName("An IPv6 host keeps its brackets in the address")
  void ipv6() {
    assertThat(RedisEndpoint.parse("redis://[::1]:7000").address()).isEqualTo("redis://[::1]:7000");
  }

  @Test
  @DisplayName("A URL with another scheme is refused")
  void wrongScheme() {
    assertThatThrownBy(() -> RedisEndpoint.parse("http://localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
  }

  @Test
  @DisplayName(
      "A database that is not a non-negative number is refused without echoing the password")
  void badDatabase() {
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://u:topsecret@localhost/abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .doesNotContain("topsecret");
    assertThatThrownBy(() -> RedisEndpoint.parse("redis://localhost/-1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("An empty URL or one without host is refused")
  void emptyOrHostless() {
    assertThatThrownBy(() -> RedisEndpoint.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisEndpoint.parse("redis:///0"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
