package dev.minutes.store;

import static dev.minutes.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.RedisHarness;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reservation script on its own, against the embedded Redis: what a close repeated after a
 * crash finds in the folder (its own file, written before the crash) against files nobody recorded.
 */
@DisplayName("Publication names: files in the folder are taken unless recorded as this meeting's")
class PublicationNamesScriptTest {
  private Vertx vertx;
  private RedisConnection redis;
  private PublicationNames names;

  @BeforeEach
  void connect() throws TimeoutException {
    vertx = Vertx.vertx();
    redis = await(RedisHarness.connect(vertx, RedisHarness.newPrefix()));
    names = new PublicationNames(redis);
  }

  @AfterEach
  void close() throws TimeoutException {
    await(RedisHarness.cleanup(redis));
    await(redis.close());
    await(vertx.close());
  }

  @Test
  @DisplayName(
      "a close repeated after its file was written keeps its name; another meeting skips that file")
  void closeRepeatedFindsItsOwnFile() throws TimeoutException {
    assertThat(await(names.reserve("first", "2030-11-10", "weekly-2030-11-10", Set.of())))
        .isEqualTo(1);

    // The crash came after the folder target wrote 2030-11-10.md: the close runs again.
    Set<String> inTheFolder = Set.of("2030-11-10.md");
    assertThat(await(names.reserve("first", "2030-11-10", "weekly-2030-11-10", inTheFolder)))
        .as("the file recorded as this meeting's is its own")
        .isEqualTo(1);
    assertThat(await(names.reserve("second", "2030-11-10", "weekly-2030-11-10", inTheFolder)))
        .isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a file nobody recorded is skipped, also by the meeting that reserved the next name before")
  void unrecordedFilesAreSkipped() throws TimeoutException {
    Set<String> written = Set.of("2030-11-17.md", "2030-11-17-2.md");
    assertThat(await(names.reserve("first", "2030-11-17", "", written))).isEqualTo(3);

    Set<String> afterItsOwn = Set.of("2030-11-17.md", "2030-11-17-2.md", "2030-11-17-3.md");
    assertThat(await(names.reserve("first", "2030-11-17", "", afterItsOwn)))
        .as("repeated with its own -3 now in the folder")
        .isEqualTo(3);
    assertThat(await(names.reserve("second", "2030-11-17", "", afterItsOwn))).isEqualTo(4);
  }
}
