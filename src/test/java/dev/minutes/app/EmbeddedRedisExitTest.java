package dev.minutes.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedRedisExitTest {

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName(
      "redis-server stops when the JVM that started it exits normally without calling stop()")
  void serverStopsWithJvm(@TempDir Path dataDir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    EmbeddedRedisExitProbe.class.getName(),
                    dataDir.toString()))
            .redirectErrorStream(true)
            .start();
    int port = -1;
    StringBuilder output = new StringBuilder();
    // Reads until the child closes its output, i.e. until it has exited.
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        output.append(line).append('\n');
        if (line.startsWith(EmbeddedRedisExitProbe.PORT_LINE)) {
          port = Integer.parseInt(line.substring(EmbeddedRedisExitProbe.PORT_LINE.length()).trim());
        }
      }
    }
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
    assertThat(child.exitValue()).as(output.toString()).isZero();
    assertThat(port).as(output.toString()).isPositive();

    int redisPort = port;
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", redisPort), 2_000);
              }
            })
        .as("nothing listens on the embedded Redis port any more")
        .isInstanceOf(ConnectException.class);
    assertThat(dataDir.resolve("appendonly.aof")).exists();
  }
}
