package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minutes.meeting.MeetingDocument;
import dev.minutes.sync.AutomergeObjects;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the Markdown import ({@code POST /api/meetings/import}): the parser
 * either refuses a text with a {@link MinutesFormatException} or accepts exactly what renders back
 * to the same bytes, and an accepted file survives the trip through a meeting document unchanged.
 * Regression inputs (corpus files and near misses) live in {@code
 * src/test/resources/dev/minutes/render/MarkdownImportFuzzTestInputs/}.
 */
class MarkdownImportFuzzTest {
  private static final AutomergeObjects NATIVES = new AutomergeObjects();
  private static final MeetingDocument DOCUMENTS = new MeetingDocument(NATIVES);

  @FuzzTest(maxDuration = "30s")
  void acceptsOnlyWhatRendersBack(byte[] file) {
    String text;
    try {
      // As the import route decodes: invalid UTF-8 is refused before the parser sees it.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(file))
              .toString();
    } catch (CharacterCodingException notUtf8) {
      return;
    }
    PublishedMinutes parsed;
    try {
      parsed = MinutesParser.parse(text);
    } catch (MinutesFormatException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(parsed.render()).isEqualTo(text);

    byte[] saved = DOCUMENTS.create(parsed.frontMatter(), parsed.body());
    MeetingDocument.Snapshot stored = DOCUMENTS.current(saved, java.util.List.of());
    assertThat(stored.meta()).isEqualTo(parsed.frontMatter());
    assertThat(stored.body()).isEqualTo(parsed.body());
    assertThat(MinutesRenderer.render(stored.meta(), stored.body())).isEqualTo(text);
    assertThat(NATIVES.liveDocuments()).isZero();
  }
}
