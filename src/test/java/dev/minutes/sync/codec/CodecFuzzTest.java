package dev.minutes.sync.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.SyncState;

/**
 * Coverage-guided fuzzing of everything the server reads from a client before Automerge does.
 *
 * <p>In a normal build ({@code mvn verify}) each method runs once per committed input in {@code
 * src/test/resources/dev/minutes/sync/codec/CodecFuzzTestInputs/<method>/} (seeds from the captured
 * frames of the protocol notes, section 8, and real sync messages). With {@code JAZZER_FUZZ=1} one
 * method is fuzzed; see docs/reliability.md for the commands.
 */
class CodecFuzzTest {

  /**
   * Any bytes either decode or are refused with a {@link MalformedMessageException}, never anything
   * else; whatever decodes survives an encode/decode round trip unchanged.
   */
  @FuzzTest(maxDuration = "30s")
  void decodeRefusesOrRoundTrips(byte[] frame) {
    ProtocolMessage message;
    try {
      message = MessageCodec.decode(frame);
    } catch (MalformedMessageException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(message.senderId()).isNotEmpty();
    byte[] encoded = MessageCodec.encode(message);
    assertThat(MessageCodec.decode(encoded)).isEqualTo(message);
  }

  /**
   * The inspector accepts or refuses with a {@link MalformedMessageException}. What it accepts,
   * Automerge either rejects with an exception (the server refuses the message) or applies; and a
   * message the inspector reports as carrying no change never changes a document. The server relies
   * on that last property to keep viewers from writing and to store every change it acknowledges.
   */
  @FuzzTest(maxDuration = "30s")
  void inspectorAgreesWithAutomerge(byte[] syncMessage) {
    byte[] changes;
    SyncMessageSummary summary;
    try {
      summary = SyncMessageInspector.inspect(syncMessage);
      changes = SyncMessageInspector.changeChunks(syncMessage);
    } catch (MalformedMessageException refused) {
      assertThat(refused.getMessage()).startsWith("sync message: ");
      return;
    }
    assertThat((long) changes.length).isEqualTo(summary.changeBytes());
    assertThat(summary.carriesChanges()).isEqualTo(summary.changeCount() > 0);

    Document document = new Document();
    SyncState state = new SyncState();
    try {
      ChangeHash[] before = document.getHeads();
      try {
        document.receiveSyncMessage(state, syncMessage);
      } catch (RuntimeException rejectedByAutomerge) {
        // The server answers sync-rejected and resets that peer's sync state: fine.
        return;
      }
      if (!summary.carriesChanges() && !Arrays.equals(before, document.getHeads())) {
        fail("the inspector saw no change but Automerge applied one: " + summary);
      }
    } finally {
      state.free();
      document.free();
    }
  }
}
