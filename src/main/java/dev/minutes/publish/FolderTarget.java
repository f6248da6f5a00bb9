package dev.minutes.publish;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code <folder>/<updated>.md} atomically: the bytes go to a temporary file in the same
 * folder, are forced to disk, then renamed over the target with {@code ATOMIC_MOVE}, so a reader
 * sees the old file or the new one, never a part. Runs on a worker thread.
 *
 * <p>Idempotent: a re-delivery of the same publication finds identical bytes and leaves the file
 * alone. Never overwrites another meeting's minutes (docs/contract.md §5): each publication's name
 * is decided once at close so that it is its meeting's alone ({@code <updated>-2.md}…), skipping
 * the names of files already here ({@link #filesNamed}: another deployment's, ones written by
 * hand), and this target replaces an existing file only when it holds an earlier revision of the
 * same meeting (a correction). A file that appears in the way after the close is refused on every
 * attempt, the reason shown as the job's last error, until someone moves it away (or the job gives
 * up after {@code MINUTES_PUBLISH_GIVE_UP_MS}, when the operator can retry it).
 */
public final class FolderTarget implements PublishTarget {
  private static final Logger log = LoggerFactory.getLogger(FolderTarget.class);

  private static final Set<PosixFilePermission> PUBLISHED_PERMISSIONS =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Vertx vertx;
  private final Path folder;

  public FolderTarget(Vertx vertx, Path folder) {
    this.vertx = vertx;
    this.folder = folder.toAbsolutePath().normalize();
  }

  @Override
  public String name() {
    return "folder";
  }

  @Override
  public Future<Set<String>> filesNamed(String stem) {
    return vertx.executeBlocking(() -> namesIn(stem), false);
  }

  private Set<String> namesIn(String stem) throws IOException {
    if (!Files.isDirectory(folder)) {
      return Set.of();
    }
    Pattern named = Pattern.compile(Pattern.quote(stem) + "(-[1-9][0-9]*)?\\.md");
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> named.matcher(name).matches())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Override
  public String location(String fileName) {
    return folder.resolve(fileName).toString();
  }

  @Override
  public Future<DeliveryResult> deliver(PublishJob job) {
    return vertx
        .executeBlocking(() -> write(job), false)
        .otherwise(
            failure -> DeliveryResult.retryable("cannot write " + job.path() + ": " + failure));
  }

  private DeliveryResult write(PublishJob job) throws IOException {
    Path target = folder.resolve(job.path()).normalize();
    if (!target.getParent().equals(folder) || !job.path().endsWith(".md")) {
      return DeliveryResult.permanent(
          "refusing file name '" + job.path() + "': not a plain <updated>.md name");
    }
    byte[] bytes = job.markdown().getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(folder);
    if (Files.isRegularFile(target)) {
      byte[] existing = Files.readAllBytes(target);
      if (Arrays.equals(existing, bytes)) {
        return DeliveryResult.delivered("already in place: " + target);
      }
      if (!job.replaces().contains(Fingerprint.ofContent(existing))) {
        // Retried like any failed delivery (contract §5: until it succeeds): once someone moves
        // the file away, the next attempt writes the minutes without an operator's retry.
        return DeliveryResult.retryable(
            "refusing to overwrite "
                + job.path()
                + ": it holds other minutes than this meeting published; move it away and the next"
                + " attempt writes it");
      }
      log.info(
          "publish job {}: replacing {} with revision {} of its minutes",
          job.id(),
          target,
          job.revision());
    }
    Path temp = Files.createTempFile(folder, "." + job.path() + ".", ".tmp");
    try {
      if (Files.getFileStore(temp).supportsFileAttributeView("posix")) {
        // Temporary files are private (0600); a published file is for the docs site to read.
        Files.setPosixFilePermissions(temp, PUBLISHED_PERMISSIONS);
      }
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
    return DeliveryResult.delivered("written: " + target);
  }

  private static void move(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Cannot happen within one folder on a POSIX file system; say so rather than fall back
      // silently.
      throw new IOException(
          "the file system of " + target.getParent() + " cannot rename atomically", e);
    }
  }
}
