package dev.minutes.app;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.ServerProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server as operators run it ({@code Main} in its own JVM): how it starts and how SIGTERM ends it. */
@DisplayName("A server process")
@Timeout(value = 90, unit = SECONDS)
class GracefulShutdownTest {

  @Test
  @DisplayName("serves on epoll on Linux and stops on SIGTERM with exit 0, its embedded Redis stopped, nothing thrown")
  void stopsCleanly(@TempDir Path dataDir, @TempDir Path workDir) throws Exception {
    try (ServerProcess server = ServerProcess.start(
        Map.of("MINUTES_DATA_DIR", dataDir.toString(), "MINUTES_HTTP_PORT", "0"), workDir)) {
      server.ready().await(60, SECONDS);
      List<ProcessHandle> redis = server.children();
      assertThat(redis).as("the embedded redis-server").isNotEmpty();

      int exit = server.terminate();

      String output = String.join("\n", server.tail(200));
      assertThat(exit).as(output).isZero();
      assertThat(output).as("exit %d", exit).contains("network transport: epoll", "minutes node stopped; live native objects: 0")
          .doesNotContain("Exception");
      for (ProcessHandle child : redis) {
        assertThat(child.onExit().get(10, SECONDS).isAlive()).as("redis-server %d", child.pid()).isFalse();
      }
    }
  }
}
