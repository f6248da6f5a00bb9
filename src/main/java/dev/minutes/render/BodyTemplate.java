package dev.minutes.render;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The initial body of a new meeting, in the corpus layout (2014 onwards):
 *
 * <pre>
 *
 * ### Agenda ###
 *
 * - Review previous notes
 * - Irmin
 *
 * Attendees: Amir Chaudhry (chair), Anil Madhavapeddy and Dave Scott
 *
 * ### Notes ###
 *
 * #### Review previous notes ####
 *
 * See the [previous notes](/weekly/weekly-2014-04-01). Open action items:
 *
 * - [ ] Anil: release Irmin
 *
 *
 * #### Irmin ####
 *
 *
 * #### AoB ####
 *
 * </pre>
 *
 * <p>Rules, beyond what the example shows:
 *
 * <ul>
 *   <li>Agenda titles and names are user text: stripped, kept on one line as inline Markdown (code,
 *       links and emphasis keep working). A start that would open another block inside the bullet
 *       ({@code - }, {@code 1.}, {@code #}, {@code >}, a fence, a task box {@code [ ]}...) is
 *       backslash-escaped, as is a trailing {@code #} run in a heading (see {@link MarkdownText}).
 *       Blank titles or names, line breaks and control characters are refused.
 *   <li>The chair is listed first, marked {@code (chair)}, and not repeated; repeated attendees are
 *       listed once; runs of spaces inside a name become one space. Names are joined by {@code ",
 *       "}, the last by {@code " and "}, and the paragraph is hard-wrapped at 79 code points,
 *       breaking only at spaces. With nobody to list the paragraph is {@code Attendees:}.
 *   <li>With a previous meeting, the agenda starts with {@code Review previous notes} (added unless
 *       the agenda already starts with it, ignoring case); its section links to the previous
 *       minutes and lists that meeting's open action items (done ones are dropped), so that {@link
 *       ActionItems#parse} finds them again.
 *   <li>Every agenda item has its section, except an item named {@code AoB}: the {@code #### AoB
 *       ####} section always comes last, once. The body ends with {@code "\n\n"}.
 * </ul>
 */
public final class BodyTemplate {

  /** The first agenda item of a meeting that follows a previous one. */
  public static final String REVIEW_PREVIOUS_NOTES = "Review previous notes";

  private static final String AOB = "AoB";
  private static final int WRAP_WIDTH = 79;

  private BodyTemplate() {}

  /**
   * The initial body for {@code input}.
   *
   * @throws IllegalArgumentException for a blank or multi-line agenda title or name, or carried
   *     over action items without a previous permalink
   */
  public static String initialBody(BodyInput input) {
    List<String> agenda = agendaOf(input);
    StringBuilder body = new StringBuilder("\n### Agenda ###\n\n");
    for (String item : agenda) {
      body.append("- ").append(MarkdownText.bulletContent(item)).append('\n');
    }
    if (!agenda.isEmpty()) {
      body.append('\n');
    }
    body.append(attendeesParagraph(input)).append("\n\n");
    body.append("### Notes ###\n\n");
    boolean reviewWritten = false;
    for (String item : agenda) {
      if (item.equalsIgnoreCase(AOB)) {
        continue;
      }
      body.append(heading(item)).append("\n\n");
      if (input.hasPrevious() && !reviewWritten && item.equalsIgnoreCase(REVIEW_PREVIOUS_NOTES)) {
        body.append(previousNotes(input));
        reviewWritten = true;
      }
      // An empty line to write the notes in, and one to separate them from the next section.
      body.append('\n');
    }
    body.append(heading(AOB)).append("\n\n");
    return body.toString();
  }

  private static List<String> agendaOf(BodyInput input) {
    List<String> agenda = new ArrayList<>();
    for (int i = 0; i < input.agenda().size(); i++) {
      agenda.add(singleLine(input.agenda().get(i), "agenda item " + (i + 1)));
    }
    if (input.hasPrevious()) {
      if (input.previousPermalink().isBlank()) {
        throw new IllegalArgumentException("previousPermalink must not be blank");
      }
      if (agenda.isEmpty() || !agenda.get(0).equalsIgnoreCase(REVIEW_PREVIOUS_NOTES)) {
        agenda.add(0, REVIEW_PREVIOUS_NOTES);
      }
    } else if (!input.previousOpenItems().isEmpty()) {
      throw new IllegalArgumentException(
          "previousOpenItems are carried over only from a previous meeting: previousPermalink is"
              + " missing");
    }
    return agenda;
  }

  private static String heading(String title) {
    return "#### " + MarkdownText.headingContent(title) + " ####";
  }

  private static String attendeesParagraph(BodyInput input) {
    List<String> names = new ArrayList<>();
    Set<String> listed = new LinkedHashSet<>();
    if (input.chair() != null && !input.chair().isBlank()) {
      String chair = name(input.chair(), "chair");
      listed.add(chair);
      names.add(chair + " (chair)");
    }
    for (int i = 0; i < input.attendees().size(); i++) {
      String attendee = name(input.attendees().get(i), "attendee " + (i + 1));
      if (listed.add(attendee)) {
        names.add(attendee);
      }
    }
    if (names.isEmpty()) {
      return "Attendees:";
    }
    return String.join("\n", MarkdownText.wrap("Attendees: " + joined(names), WRAP_WIDTH));
  }

  /** {@code A}, {@code A and B}, {@code A, B and C}. */
  private static String joined(List<String> names) {
    if (names.size() == 1) {
      return names.get(0);
    }
    return String.join(", ", names.subList(0, names.size() - 1))
        + " and "
        + names.get(names.size() - 1);
  }

  private static String previousNotes(BodyInput input) {
    String link = "[previous notes](/weekly/" + PathSegment.encode(input.previousPermalink()) + ")";
    List<ActionItem> open = ActionItems.open(input.previousOpenItems());
    if (open.isEmpty()) {
      return "See the " + link + ". No open action items.\n\n";
    }
    StringBuilder notes = new StringBuilder("See the " + link + ". Open action items:\n\n");
    for (ActionItem item : open) {
      notes.append(ActionItems.format(item)).append('\n');
    }
    return notes.append('\n').toString();
  }

  private static String name(String raw, String what) {
    return singleLine(raw, what).replaceAll(" {2,}", " ");
  }

  private static String singleLine(String raw, String what) {
    if (raw == null || raw.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
    YamlScalars.forbiddenCharacter(raw)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(
                  what + " contains " + problem + "; it must be single-line text");
            });
    return raw.strip();
  }
}
