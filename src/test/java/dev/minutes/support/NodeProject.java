package dev.minutes.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Node project of the test clients ({@code src/test/node}): official automerge-repo clients and
 * a reference server, pinned by its committed {@code package-lock.json}; and the load tool's own
 * ({@link #LOAD_TOOL}).
 *
 * <p>{@link #ensureInstalled()} runs {@code npm ci} at most once per JVM and project, and only when
 * {@code node_modules} is missing or older than the lockfile, so repeated test runs cost nothing.
 * It blocks (up to minutes on a cold npm cache): call it from test setup, never from an event loop.
 */
public final class NodeProject {

  private static final Logger log = LoggerFactory.getLogger(NodeProject.class);
  private static final long NPM_CI_TIMEOUT_MINUTES = 10;

  /** The load tool's JavaScript typists (src/loadtool/node). */
  public static final Path LOAD_TOOL = Path.of("src/loadtool/node").toAbsolutePath().normalize();

  private static final Set<Path> checked = new HashSet<>();

  private NodeProject() {}

  /**
   * The project directory; {@code -Dminutes.node.dir} overrides the default {@code src/test/node}.
   */
  public static Path directory() {
    return Path.of(System.getProperty("minutes.node.dir", "src/test/node"))
        .toAbsolutePath()
        .normalize();
  }

  /**
   * The node executable; {@code -Dminutes.node} overrides the default {@code node} from the PATH.
   */
  public static String nodeExecutable() {
    return System.getProperty("minutes.node", "node");
  }

  /**
   * Installs the locked dependencies unless node_modules is already up to date with the lockfile.
   */
  public static void ensureInstalled() {
    ensureInstalled(directory());
  }

  /** The same for the Node project in {@code directory}. */
  public static synchronized void ensureInstalled(Path directory) {
    if (checked.contains(directory)) {
      return;
    }
    Path lockfile = directory.resolve("package-lock.json");
    // npm ci and npm install write this copy of the lockfile last: its age is the install's age.
    Path installedLockfile = directory.resolve("node_modules/.package-lock.json");
    if (!Files.isRegularFile(lockfile)) {
      throw new IllegalStateException("no package-lock.json in " + directory);
    }
    if (isOutdated(installedLockfile, lockfile)) {
      runNpmCi(directory);
    }
    checked.add(directory);
  }

  private static boolean isOutdated(Path installedLockfile, Path lockfile) {
    try {
      if (!Files.isRegularFile(installedLockfile)) {
        return true;
      }
      FileTime installed = Files.getLastModifiedTime(installedLockfile);
      return installed.compareTo(Files.getLastModifiedTime(lockfile)) < 0;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + lockfile, e);
    }
  }

  private static void runNpmCi(Path directory) {
    List<String> command = List.of("npm", "ci", "--no-audit", "--no-fund");
    log.info("installing test Node modules: {} in {}", String.join(" ", command), directory);
    try {
      Path output = Files.createTempFile("npm-ci", ".log");
      Process npm =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!npm.waitFor(NPM_CI_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        throw new IllegalStateException(
            "npm ci did not finish within "
                + NPM_CI_TIMEOUT_MINUTES
                + " minutes; output:\n"
                + Files.readString(output));
      }
      String text = Files.readString(output);
      Files.delete(output);
      if (npm.exitValue() != 0) {
        throw new IllegalStateException(
            "npm ci failed with exit code " + npm.exitValue() + ":\n" + text);
      }
      log.info("npm ci done");
    } catch (IOException e) {
      throw new IllegalStateException("cannot run npm ci in " + directory, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running npm ci", e);
    }
  }
}
