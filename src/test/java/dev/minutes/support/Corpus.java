package dev.minutes.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real published minutes kept as test data in {@code src/test/resources/corpus/} (provenance and
 * licence in its README): every file named {@code YYYY-MM-DD.md}.
 */
public final class Corpus {

  /** The corpus README promises 41 files; finding fewer means the path or the copy is wrong. */
  public static final int EXPECTED_FILES = 41;

  private Corpus() {}

  /** Maven and IDEs run tests from the project directory. */
  public static Path directory() {
    return Path.of("src", "test", "resources", "corpus");
  }

  public static List<Path> files() {
    try (Stream<Path> entries = Files.list(directory())) {
      return entries
          .filter(path -> path.getFileName().toString().matches("\\d{4}-\\d{2}-\\d{2}\\.md"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot list the corpus in " + directory().toAbsolutePath(), e);
    }
  }

  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file as text, refusing bytes that are not valid UTF-8 rather than replacing them. */
  public static String text(Path file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(file + " is not valid UTF-8", e);
    }
  }

  public static String text(String fileName) {
    return text(directory().resolve(fileName));
  }

  public static byte[] bytes(String fileName) {
    return bytes(directory().resolve(fileName));
  }
}
