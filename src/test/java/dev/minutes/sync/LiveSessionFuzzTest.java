package dev.minutes.sync;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minutes.support.RedisHarness;
import dev.minutes.support.SyncPeer;
import dev.minutes.support.TestNode;
import dev.minutes.support.WirePeer;
import dev.minutes.sync.codec.DocumentIds;
import dev.minutes.sync.codec.Ephemeral;
import dev.minutes.sync.codec.Request;
import dev.minutes.sync.codec.Sync;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Fuzzes a live session: after a valid join and request, a raw socket (with a viewer's or an
 * editor's token) sends frames built from the fuzzer's input: random bytes, random sync-message
 * bytes in valid envelopes, presence, text frames, and mutations of captured frames and real sync
 * messages. Then an honest editor, connected all along, must still get an edit acknowledged and
 * stored, the document must still load, nothing may be logged at ERROR (an unexpected exception),
 * and after a viewer's frames the stored text must be exactly the honest editor's.
 *
 * <p>Regression inputs: {@code src/test/resources/dev/minutes/sync/LiveSessionFuzzTestInputs/}.
 */
class LiveSessionFuzzTest {
  private static final byte[] EMPTY_SYNC = HexFormat.of().parseHex("42000001000000020284");

  /** A valid id of a document that does not exist here (from the protocol notes' captures). */
  private static final String OTHER_DOCUMENT = "4TeovzyCRE9wuDuSV86MvEGu3cmc";

  /** The captured frames and real sync messages of the codec fuzz test's regression inputs. */
  private static final List<byte[]> CAPTURED_FRAMES =
      resources("../sync/codec/CodecFuzzTestInputs/decodeRefusesOrRoundTrips");

  private static final List<byte[]> SYNC_MESSAGES =
      resources("../sync/codec/CodecFuzzTestInputs/inspectorAgreesWithAutomerge");

  private static Vertx vertx;
  private static TestNode node;
  private static WebSocketClient sockets;
  private static JsonObject meeting;
  private static SyncPeer honest;
  private static ListAppender<ILoggingEvent> errors;
  private static int round;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node =
        TestNode.start(
                vertx, RedisHarness.newPrefix(), Map.of("MINUTES_MAX_MESSAGES_PER_SECOND", "1000"))
            .await(30, SECONDS);
    sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
    meeting = node.createMeeting(new JsonObject().put("chair", "Fuzz")).await(30, SECONDS);
    honest =
        SyncPeer.connect(sockets, node.port(), token("editor"), documentId(), "honest")
            .await(30, SECONDS);
    errors = new ListAppender<>();
    errors.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(errors);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(errors);
    honest.close();
    sockets.close().await(30, SECONDS);
    node.stopAndClean().await(30, SECONDS);
    vertx.close().await(30, SECONDS);
  }

  @FuzzTest(maxDuration = "60s")
  void sessionSurvivesHostileFrames(FuzzedDataProvider data) throws Exception {
    round++;
    boolean viewer = data.consumeBoolean();
    String peerId = "fuzz-" + round;
    WirePeer fuzzer =
        WirePeer.connect(sockets, node.port(), token(viewer ? "viewer" : "editor"))
            .await(30, SECONDS);
    fuzzer.join(peerId).await(30, SECONDS);
    fuzzer.send(new Request(peerId, null, documentId(), EMPTY_SYNC));
    for (int frame = 0; frame < 8 && data.remainingBytes() > 0 && !fuzzer.isClosed(); frame++) {
      sendFrame(fuzzer, peerId, data);
    }
    fuzzer.close();
    fuzzer.closed().await(30, SECONDS);

    String marker = "[ok-" + round + "]";
    honest.append(marker).await(30, SECONDS);
    var minutes =
        node.get("/api/meetings/" + meeting.getString("id") + "/minutes.md", token("chair"))
            .await(30, SECONDS);
    assertThat(minutes.statusCode()).isEqualTo(200);
    assertThat(minutes.bodyAsString()).contains(marker);
    if (viewer) {
      assertThat(minutes.bodyAsString()).endsWith(honest.text().await(30, SECONDS));
    }
    assertThat(
            errors.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage))
        .isEmpty();
  }

  private static void sendFrame(WirePeer fuzzer, String peerId, FuzzedDataProvider data) {
    String documentId = data.consumeBoolean() ? documentId() : OTHER_DOCUMENT;
    switch (data.consumeInt(0, 6)) {
      case 0 -> fuzzer.sendBytes(data.consumeBytes(512));
      case 1 -> fuzzer.sendBytes(mutated(pick(CAPTURED_FRAMES, data), data));
      case 2 -> fuzzer.send(new Sync(peerId, null, documentId, nonEmpty(data.consumeBytes(512))));
      case 3 ->
          fuzzer.send(
              new Sync(
                  peerId, null, documentId, nonEmpty(mutated(pick(SYNC_MESSAGES, data), data))));
      case 4 ->
          fuzzer.send(
              new Request(
                  peerId, null, documentId, nonEmpty(mutated(pick(SYNC_MESSAGES, data), data))));
      case 5 ->
          fuzzer.send(
              new Ephemeral(
                  data.consumeBoolean() ? peerId : "someone-else",
                  null,
                  documentId,
                  data.consumeLong(0, Long.MAX_VALUE),
                  data.consumeString(16),
                  nonEmpty(data.consumeBytes(64))));
      default -> fuzzer.sendFrame(WebSocketFrame.textFrame(data.consumeString(64), true));
    }
  }

  private static byte[] pick(List<byte[]> choices, FuzzedDataProvider data) {
    return choices.get(data.consumeInt(0, choices.size() - 1)).clone();
  }

  /** Overwrites up to four bytes at positions and with values the fuzzer chooses. */
  private static byte[] mutated(byte[] bytes, FuzzedDataProvider data) {
    int edits = data.consumeInt(0, 4);
    for (int i = 0; i < edits && bytes.length > 0; i++) {
      bytes[data.consumeInt(0, bytes.length - 1)] = data.consumeByte();
    }
    return bytes;
  }

  private static byte[] nonEmpty(byte[] bytes) {
    return bytes.length == 0 ? new byte[] {0x42} : bytes;
  }

  private static String token(String role) {
    return meeting.getJsonObject("tokens").getString(role);
  }

  private static String documentId() {
    return DocumentIds.fromUrl(meeting.getString("documentUrl"));
  }

  private static List<byte[]> resources(String relative) {
    try {
      Path dir =
          Path.of(LiveSessionFuzzTest.class.getResource(".").toURI()).resolve(relative).normalize();
      try (Stream<Path> files = Files.list(dir)) {
        return files
            .sorted()
            .map(
                file -> {
                  try {
                    return Files.readAllBytes(file);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
