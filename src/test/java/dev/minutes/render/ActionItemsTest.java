package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minutes.support.Corpus;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ActionItemsTest {

  @Test
  @DisplayName("finds open and done items with their owners and body line numbers")
  void openAndDone() {
    String body =
        """

        #### Review ####

        - [ ] Anil: release Irmin
        - [x] Dave: fix the ring
        - [X] Amir: book the room  \n\
        - [ ] write the blog post
        """;

    assertThat(ActionItems.parse(body))
        .containsExactly(
            new ActionItem(false, "Anil", "release Irmin", 4),
            new ActionItem(true, "Dave", "fix the ring", 5),
            new ActionItem(true, "Amir", "book the room", 6),
            new ActionItem(false, "", "write the blog post", 7));
  }

  @Test
  @DisplayName("open() keeps only the unticked items, in order")
  void openFilter() {
    List<ActionItem> items =
        ActionItems.parse("- [x] A: one\n- [ ] B: two\n- [X] C: three\n- [ ] D: four\n");

    assertThat(ActionItems.open(items)).extracting(ActionItem::owner).containsExactly("B", "D");
  }

  @Test
  @DisplayName(
      "open() counts an item ticked on any line as done and lists each open item once (same owner"
          + " and text, ignoring case and runs of spaces)")
  void openAcrossCopies() {
    List<ActionItem> items =
        ActionItems.parse(
            "- [ ] Thomas: fix the ARM runner\n- [ ] Bob: ship it\n"
                + "- [x] thomas: fix the  ARM runner\n- [ ] Bob:  ship it\n");

    assertThat(ActionItems.open(items)).containsExactly(new ActionItem(false, "Bob", "ship it", 2));
  }

  @Test
  @DisplayName("accepts '*' and '+' bullets and any indentation")
  void bulletsAndIndentation() {
    String body = "* [ ] A: star\n+ [x] B: plus\n    - [ ] C: nested\n\t* [ ] D: tab\n";

    assertThat(ActionItems.parse(body))
        .extracting(ActionItem::owner, ActionItem::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("A", "star"),
            org.assertj.core.groups.Tuple.tuple("B", "plus"),
            org.assertj.core.groups.Tuple.tuple("C", "nested"),
            org.assertj.core.groups.Tuple.tuple("D", "tab"));
  }

  @Test
  @DisplayName("the owner is the text before the first ': ', the rest is the text")
  void ownerSplit() {
    List<ActionItem> items =
        ActionItems.parse(
            "- [ ] **Anil**: see http://x: and y\n- [ ] no owner here\n- [ ] Anil:nospace\n"
                + "- [ ] : empty owner\n");

    assertThat(items)
        .extracting(ActionItem::owner, ActionItem::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("**Anil**", "see http://x: and y"),
            org.assertj.core.groups.Tuple.tuple("", "no owner here"),
            org.assertj.core.groups.Tuple.tuple("", "Anil:nospace"),
            org.assertj.core.groups.Tuple.tuple("", ": empty owner"));
  }

  @Test
  @DisplayName("ignores items inside backtick and tilde code fences")
  void codeFencesIgnored() {
    String body =
        """
        ```markdown
        - [ ] A: in backticks
        ~~~
        - [ ] B: still in backticks, a tilde fence does not close it
        ```
        - [ ] C: visible
          ~~~~
          - [x] D: in tildes
          ~~~
          - [x] E: still in tildes, a shorter fence does not close it
          ~~~~
        - [x] F: visible
        """;

    assertThat(ActionItems.parse(body)).extracting(ActionItem::owner).containsExactly("C", "F");
  }

  @Test
  @DisplayName("ignores items inside HTML comments, on one line or several")
  void htmlCommentsIgnored() {
    String body =
        """
        <!-- - [ ] A: hidden inline -->
        <!--
        - [ ] B: hidden in a block
        -->
        - [ ] C: visible <!-- with a remark -->
        - [ ] D: visible <!-- opens a comment
        - [ ] E: hidden
        still hidden --> - [ ] F: not a list item start
        - [ ] G: visible
        """;

    assertThat(ActionItems.parse(body))
        .extracting(ActionItem::owner, ActionItem::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("C", "visible"),
            org.assertj.core.groups.Tuple.tuple("D", "visible"),
            org.assertj.core.groups.Tuple.tuple("G", "visible"));
  }

  @Test
  @DisplayName("a comment opener inside a code span is text and hides nothing")
  void commentOpenerInCodeSpan() {
    String body =
        "Write `<!--` to start a comment, or ``a ` <!-- b``.\n- [ ] A: still visible\n"
            + "An unmatched ` does not protect <!-- this\n- [ ] B: hidden\n-->\n";

    assertThat(ActionItems.parse(body)).extracting(ActionItem::owner).containsExactly("A");
  }

  @Test
  @DisplayName("ignores look-alikes: no box, empty box text, ordered lists, escaped brackets")
  void lookAlikes() {
    String body =
        "- Anil: plain bullet\n- [ ]\n- [ ]   \n1. [ ] A: ordered\n- \\[ ] B: escaped\n"
            + "-[ ] C: no space\n- [y] D: other mark\n- [unikernel.org][]\n";

    assertThat(ActionItems.parse(body)).isEmpty();
  }

  @Test
  @DisplayName("format writes the canonical line and refuses items that would not read back")
  void format() {
    assertThat(ActionItems.format(ActionItem.open("Anil", "release Irmin")))
        .isEqualTo("- [ ] Anil: release Irmin");
    assertThat(ActionItems.format(new ActionItem(true, "", "done", 3))).isEqualTo("- [x] done");

    assertThatThrownBy(() -> ActionItems.format(ActionItem.open("Anil", "two\nlines")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would not read back as written");
    assertThatThrownBy(() -> ActionItems.format(ActionItem.open("A: B", "text")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActionItems.format(ActionItem.open("", "Anil: text")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActionItems.format(ActionItem.open("A", "")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ActionItems.format(ActionItem.open("A", "x <!-- y -->")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static List<Path> corpusFiles() {
    return CorpusRoundTripTest.corpusFiles();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpusFiles")
  @DisplayName("corpus bodies hold no action items: the published minutes never used task boxes")
  void corpusHasNoActionItems(Path file) {
    String body = MinutesParser.parse(Corpus.text(file)).body();

    assertThat(ActionItems.parse(body)).isEmpty();
  }
}
