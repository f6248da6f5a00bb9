package dev.minutes.app;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.ServerProcess;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as operators run it ({@code Main} in its own JVM): how it starts and how SIGTERM ends
 * it.
 */
@DisplayName("A server process")
@Timeout(value = 90, unit = SECONDS)
class GracefulShutdownTest {
  @TempDir Path dataDir;
  @TempDir Path workDir;

  @Test
  @DisplayName(
      "serves on epoll where Netty's native library loads, and stops on SIGTERM: exit 0, its Redis stopped, nothing thrown")
  void stopsCleanly() throws Exception {
    try (ServerProcess server = start()) {
      server.ready().await(60, SECONDS);

      String output = terminated(server, server.children());

      assertThat(output)
          .contains(Epoll.isAvailable() ? "network transport: epoll" : "network transport: NIO");
    }
  }

  @Test
  @DisplayName("stopped by SIGTERM while it is still starting, stops as cleanly as a started one")
  void stopsCleanlyWhileStarting() throws Exception {
    try (ServerProcess server = start()) {
      // The embedded Redis starts early in the node's start, well before the node listens.
      server.printed("Embedded Redis listening").await(60, SECONDS);
      List<ProcessHandle> redis = server.children();

      String output = terminated(server, redis);

      assertThat(output).contains("shutting down");
    }
  }

  @Test
  @DisplayName(
      "a port already taken: exits 1 with one line naming the address and the settings to change,"
          + " no stack trace, its Redis stopped")
  void portTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        ServerProcess server =
            ServerProcess.start(
                Map.of(
                    "MINUTES_DATA_DIR",
                    dataDir.toString(),
                    "MINUTES_HTTP_PORT",
                    String.valueOf(taken.getLocalPort())),
                workDir)) {
      server.printed("Embedded Redis listening").await(60, SECONDS);
      List<ProcessHandle> redis = server.children();

      int exit = server.exitCode(60);

      String output = String.join("\n", server.tail(200));
      assertThat(exit).as(output).isEqualTo(1);
      assertThat(output)
          .contains(
              "minutes failed to start: cannot listen on 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (MINUTES_HTTP_HOST, MINUTES_HTTP_PORT): ")
          .doesNotContain("\tat ");
      for (ProcessHandle child : redis) {
        assertThat(child.onExit().get(10, SECONDS).isAlive()).isFalse();
      }
    }
  }

  private ServerProcess start() {
    return ServerProcess.start(
        Map.of("MINUTES_DATA_DIR", dataDir.toString(), "MINUTES_HTTP_PORT", "0"), workDir);
  }

  /** SIGTERM; checks the clean stop and returns what the process printed. */
  private static String terminated(ServerProcess server, List<ProcessHandle> redis)
      throws Exception {
    assertThat(redis).as("the embedded redis-server").isNotEmpty();
    int exit = server.terminate();
    String output = String.join("\n", server.tail(200));
    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("minutes node stopped; live native objects: 0")
        .doesNotContain("Exception");
    for (ProcessHandle child : redis) {
      assertThat(child.onExit().get(10, SECONDS).isAlive())
          .as("redis-server %d", child.pid())
          .isFalse();
    }
    return output;
  }
}
