package dev.minutes.page;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import dev.minutes.support.TestNode;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The page in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core)
 * against a real node: runs the browser suite in frontend/e2e/ (node's test runner) and fails with
 * its report. Screenshots land in frontend/e2e/artifacts/.
 */
@DisplayName("The web page in headless Chromium")
@Timeout(value = 21, unit = TimeUnit.MINUTES)
class PageEndToEndTest {
  private static final long SUITE_LIMIT_MINUTES = 20;

  private Vertx vertx;
  private TestNode node;

  @BeforeEach
  void start() throws Exception {
    assertThat(Path.of("target/classes/webroot/index.html"))
        .as("the page is built into target/classes/webroot by the Maven build (frontend profile)")
        .exists();
    assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
    vertx = Vertx.vertx();
    node =
        TestNode.start(vertx, RedisHarness.newPrefix(), Map.of("MINUTES_SESSION_IDLE_MS", "30000"))
            .await(30, SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @Test
  @DisplayName(
      "the browser suite passes: concurrent typing, offline, reload, close, viewer, start page, rendered minutes, details, accessibility")
  void browserSuitePasses() throws Exception {
    Path log = Files.createTempFile("minutes-e2e", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(List.of("npm", "run", "test:e2e"))
            .directory(Path.of("frontend").toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("MINUTES_URL", "http://127.0.0.1:" + node.port());
    Process suite = builder.start();
    suite.getOutputStream().close();
    // About 46 browser tests at human typing speed, two files at a time, take 9 minutes on a quiet
    // two-core machine and 15 on a busy one: this limit only stops a hung suite.
    int exit = suite.waitFor(SUITE_LIMIT_MINUTES, TimeUnit.MINUTES) ? suite.exitValue() : -1;
    if (exit == -1) {
      suite.destroyForcibly();
    }
    String report = Files.readString(log);
    System.out.println(report);
    assertThat(exit).as("browser suite exit code; its report:\n%s", report).isZero();
    assertThat(report).contains("# fail 0");
  }
}
