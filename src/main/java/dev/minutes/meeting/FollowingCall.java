package dev.minutes.meeting;

import dev.minutes.render.NextCall;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides the date and chair of the call after {@code previous} from what its minutes say ({@link
 * NextCall}), and notes for people whenever it cannot follow them. Pure; one instance per decision.
 */
public final class FollowingCall {
  private final MeetingFacts previous;
  private final NextCall next;
  private final List<String> notes = new ArrayList<>();

  private FollowingCall(MeetingFacts previous) {
    this.previous = previous;
    this.next = NextCall.find(previous.body(), previous.date());
  }

  public static FollowingCall after(MeetingFacts previous) {
    return new FollowingCall(previous);
  }

  /**
   * The requested date, else the one the previous minutes give, else {@code fallback}; {@code
   * fallbackRule} says in words where the fallback comes from ("7 days after the previous call").
   */
  public String date(Optional<String> requested, LocalDate fallback, String fallbackRule) {
    if (requested.isPresent()) {
      return requested.get();
    }
    if (next.date().isPresent()) {
      next.remark()
          .ifPresent(remark -> notes.add("The previous minutes' next call: " + remark + "."));
      return next.date().get().toString();
    }
    next.problem()
        .ifPresent(
            problem ->
                notes.add(
                    "The previous minutes say \""
                        + next.sentence().orElse("")
                        + "\", but "
                        + problem
                        + "; the date is "
                        + fallbackRule
                        + " instead: "
                        + fallback
                        + "."));
    return fallback.toString();
  }

  /**
   * The requested chair, else the one the previous minutes name if exactly one of {@code people} is
   * them (the full name, or a first name only one of them has), else {@code fallback}.
   */
  public String chair(Optional<String> requested, List<String> people, String fallback) {
    if (requested.isPresent() || next.chair().isEmpty()) {
      return requested.orElse(fallback);
    }
    String named = next.chair().get();
    List<String> matches = matching(named, people);
    if (matches.size() == 1) {
      return matches.get(0);
    }
    String chair = fallback.isEmpty() ? "nobody" : fallback;
    notes.add(
        matches.isEmpty()
            ? "The previous minutes name "
                + named
                + " to chair, who is not among the attendees; "
                + chair
                + " chairs."
            : "The previous minutes name "
                + named
                + " to chair, which could be "
                + String.join(" or ", matches)
                + "; "
                + chair
                + " chairs.");
    return fallback;
  }

  /** What the decisions could not follow, in order; empty when they followed the minutes. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /** The previous call's minutes' next-call sentence as read. */
  public NextCall nextCall() {
    return next;
  }

  public MeetingFacts previous() {
    return previous;
  }

  private static List<String> matching(String named, List<String> people) {
    String wanted = named.strip().toLowerCase(Locale.ROOT);
    List<String> exact =
        people.stream().filter(p -> p.strip().toLowerCase(Locale.ROOT).equals(wanted)).toList();
    if (!exact.isEmpty()) {
      return exact.stream().distinct().toList();
    }
    return people.stream()
        .filter(p -> startsWithWords(p.strip().toLowerCase(Locale.ROOT), wanted))
        .distinct()
        .toList();
  }

  /**
   * Whether {@code named} names {@code person} (both lower case): "thomas" names "thomas
   * gazagnaire" (a first name), and so does "thomas g" (an abbreviated last word); "tho" does not.
   */
  private static boolean startsWithWords(String person, String named) {
    String[] personWords = person.split("\\s+");
    String[] namedWords = named.split("\\s+");
    if (namedWords.length > personWords.length) {
      return false;
    }
    int last = namedWords.length - 1;
    for (int i = 0; i < last; i++) {
      if (!personWords[i].equals(namedWords[i])) {
        return false;
      }
    }
    return last == 0
        ? personWords[0].equals(namedWords[0])
        : personWords[last].startsWith(namedWords[last]);
  }
}
