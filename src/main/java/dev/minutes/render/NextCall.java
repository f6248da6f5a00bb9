package dev.minutes.render;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a minutes body says about the next call, in the forms people write it in the corpus:
 *
 * <ul>
 *   <li>{@code Next call will be 10th June and items can be added…}
 *   <li>{@code - Next call is scheduled for **2nd September** - Please refer…}
 *   <li>{@code - The next call is scheduled for **Wednesday, 10th December** - Please…}
 *   <li>{@code - Next call will take place on the 22nd, but…} (a day of the month alone)
 *   <li>{@code Next call: 2026-12-16}, {@code next call on June 10}, {@code … on Wednesday}
 * </ul>
 *
 * and who chairs it ({@code …, Thomas to chair}, {@code … chaired by Thomas}).
 *
 * <p>The sentence is the text from a {@code next call} (or {@code next meeting}) to the end of its
 * sentence, read across the hard line breaks of the paragraph, without emphasis markers. When the
 * body has several such sentences naming a date, the last one counts (the AoB section, at the end,
 * is where the corpus says it). A date without a year is the first such date after the previous
 * call; a day of the month alone the first such day after it; a weekday alone the first such
 * weekday after it. A date that does not exist (31st February), or is not after the previous call,
 * is not used: {@link #problem} says why. Pure; no I/O.
 *
 * @param sentence the sentence that counted, as one line of text; empty when the body has none
 * @param date the next call's date, when the sentence gives a usable one
 * @param chair the name the sentence gives as chair, as written ("Thomas"), when it names one
 * @param problem why a date the sentence names cannot be used, for people; empty otherwise
 * @param remark something to check about a usable date (a weekday that does not match the day), for
 *     people; empty otherwise
 */
public record NextCall(
    Optional<String> sentence,
    Optional<LocalDate> date,
    Optional<String> chair,
    Optional<String> problem,
    Optional<String> remark) {

  private static final String MONTHS =
      "january|february|march|april|may|june|july|august|september|october|november|december"
          + "|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
  private static final String WEEKDAYS =
      "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri"
          + "|sat|sun";
  private static final String ORDINAL = "(?:st|nd|rd|th)";
  private static final String WEEKDAY_PREFIX = "(?:(" + WEEKDAYS + ")\\.?,?\\s+)?";

  private static final Pattern MENTION = Pattern.compile("(?i)\\bnext\\s+(?:call|meeting)\\b");

  /** A sentence ends at {@code . ! ?} followed by white space or the end. */
  private static final Pattern SENTENCE_END = Pattern.compile("[.!?](?=\\s|$)");

  private static final Pattern ISO =
      Pattern.compile("\\b(\\d{4})-(\\d{1,2})-(\\d{1,2})\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern DAY_MONTH =
      Pattern.compile(
          "\\b"
              + WEEKDAY_PREFIX
              + "(?:the\\s+)?(\\d{1,2})"
              + ORDINAL
              + "?(?:\\s+of)?\\s+("
              + MONTHS
              + ")\\b\\.?(?:,?\\s+(\\d{4})\\b)?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern MONTH_DAY =
      Pattern.compile(
          "\\b"
              + WEEKDAY_PREFIX
              + "("
              + MONTHS
              + ")\\.?\\s+(?:the\\s+)?(\\d{1,2})"
              + ORDINAL
              + "?\\b(?:,?\\s+(\\d{4})\\b)?",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern DAY_ONLY =
      Pattern.compile(
          "\\b" + WEEKDAY_PREFIX + "the\\s+(\\d{1,2})" + ORDINAL + "\\b", Pattern.CASE_INSENSITIVE);

  /** Full names only: "sat" or "sun" alone are more often words than days. */
  private static final Pattern WEEKDAY_ONLY =
      Pattern.compile(
          "\\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\\b",
          Pattern.CASE_INSENSITIVE);

  /** Up to four capitalised words: a name as people write it in a sentence. */
  private static final String NAME = "(\\p{Lu}[\\p{L}'’.-]*(?:\\s+\\p{Lu}[\\p{L}'’.-]*){0,3})";

  private static final Pattern CHAIR_BEFORE =
      Pattern.compile(NAME + "\\s+(?:to\\s+chair|will\\s+chair|is\\s+chairing|chairs)\\b");
  private static final Pattern CHAIR_AFTER =
      Pattern.compile("(?i:chaired\\s+by|chair(?:ed)?:)\\s+" + NAME);

  /** Nothing said about the next call. */
  public static NextCall none() {
    return new NextCall(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Whether the body names a date for the next call that cannot be used. */
  public boolean impossible() {
    return problem.isPresent();
  }

  /**
   * Reads the next call from {@code body}, the minutes of the call held on {@code previousCall}.
   */
  public static NextCall find(String body, LocalDate previousCall) {
    List<String> sentences = sentences(body);
    NextCall found = none();
    for (String sentence : sentences) {
      NextCall candidate = read(sentence, previousCall);
      boolean namesDate = candidate.date.isPresent() || candidate.problem.isPresent();
      if (namesDate || (found.date.isEmpty() && found.problem.isEmpty())) {
        found = candidate;
      }
    }
    return found;
  }

  /** Every "next call" sentence of the body, in order, each as one line without emphasis. */
  static List<String> sentences(String body) {
    List<String> sentences = new ArrayList<>();
    for (String paragraph : body.split("\\n[ \\t]*\\n")) {
      String text = paragraph.replaceAll("\\*+|(?<![\\p{L}\\d])_+|_+(?![\\p{L}\\d])", "");
      text = text.replaceAll("\\s+", " ").strip();
      Matcher mention = MENTION.matcher(text);
      int searchFrom = 0;
      while (mention.find(searchFrom)) {
        int start = sentenceStart(text, mention.start());
        Matcher end = SENTENCE_END.matcher(text);
        int stop = end.find(mention.end()) ? end.end() : text.length();
        sentences.add(text.substring(start, stop).strip());
        searchFrom = stop;
      }
    }
    return sentences;
  }

  private static int sentenceStart(String text, int from) {
    int start = 0;
    Matcher end = SENTENCE_END.matcher(text);
    while (end.find() && end.end() <= from) {
      start = end.end();
    }
    // A list item's marker is not part of the sentence.
    String rest = text.substring(start);
    Matcher bullet = Pattern.compile("^\\s*(?:[-*+]|\\d+[.)])\\s+").matcher(rest);
    return bullet.find() ? start + bullet.end() : start;
  }

  private static NextCall read(String sentence, LocalDate previousCall) {
    int mention = mentionEnd(sentence);
    String after = sentence.substring(mention);
    Optional<String> chair = chairIn(sentence);
    DateText text = dateIn(after).orElse(null);
    if (text == null) {
      return new NextCall(
          Optional.of(sentence), Optional.empty(), chair, Optional.empty(), Optional.empty());
    }
    Resolved resolved = text.resolve(previousCall);
    return new NextCall(
        Optional.of(sentence),
        Optional.ofNullable(resolved.date),
        chair,
        Optional.ofNullable(resolved.problem),
        Optional.ofNullable(resolved.remark));
  }

  private static int mentionEnd(String sentence) {
    Matcher mention = MENTION.matcher(sentence);
    return mention.find() ? mention.end() : 0;
  }

  private static Optional<String> chairIn(String sentence) {
    for (Pattern pattern : List.of(CHAIR_AFTER, CHAIR_BEFORE)) {
      Matcher matcher = pattern.matcher(sentence);
      if (matcher.find()) {
        String name = withoutDateWords(matcher.group(1));
        if (!name.isEmpty()) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }

  /** "May Thomas" in "… on 5th May Thomas to chair" is Thomas: months and weekdays are no names. */
  private static String withoutDateWords(String name) {
    List<String> words = new ArrayList<>(List.of(name.split("\\s+")));
    while (!words.isEmpty()
        && words.get(0).toLowerCase(Locale.ROOT).matches(MONTHS + "|" + WEEKDAYS)) {
      words.remove(0);
    }
    return String.join(" ", words).replaceAll("[.]+$", "");
  }

  /**
   * Where a date form keeps its parts: group numbers of weekday, day, month and year, 0 for a part
   * the form does not have; {@code numericMonth} for {@code 2026-12-16}.
   */
  private record DateForm(
      Pattern pattern,
      int weekdayGroup,
      int dayGroup,
      int monthGroup,
      int yearGroup,
      boolean numericMonth) {

    Optional<DateText> firstIn(String text) {
      Matcher m = pattern.matcher(text);
      if (!m.find()) {
        return Optional.empty();
      }
      String monthText = part(m, monthGroup);
      return Optional.of(
          new DateText(
              m.start(),
              m.group(),
              number(part(m, yearGroup)),
              monthText == null ? 0 : numericMonth ? number(monthText) : month(monthText),
              number(part(m, dayGroup)),
              weekday(part(m, weekdayGroup))));
    }

    private static String part(Matcher m, int group) {
      return group == 0 ? null : m.group(group);
    }

    private static int number(String digits) {
      return digits == null ? 0 : Integer.parseInt(digits);
    }
  }

  private static final List<DateForm> DATE_FORMS =
      List.of(
          new DateForm(ISO, 0, 3, 2, 1, true),
          new DateForm(DAY_MONTH, 1, 2, 3, 4, false),
          new DateForm(MONTH_DAY, 1, 3, 2, 4, false),
          new DateForm(DAY_ONLY, 1, 2, 0, 0, false),
          new DateForm(WEEKDAY_ONLY, 1, 0, 0, 0, false));

  /** The first date-like text after the mention; a weekday alone only when nothing else is. */
  private static Optional<DateText> dateIn(String text) {
    List<DateForm> dated = DATE_FORMS.subList(0, DATE_FORMS.size() - 1);
    Optional<DateText> best =
        dated.stream()
            .map(form -> form.firstIn(text))
            .flatMap(Optional::stream)
            .min(Comparator.comparingInt(DateText::position));
    return best.isPresent() ? best : DATE_FORMS.get(DATE_FORMS.size() - 1).firstIn(text);
  }

  private static int month(String name) {
    String prefix = name.toLowerCase(Locale.ROOT).substring(0, 3);
    for (Month month : Month.values()) {
      if (month
          .getDisplayName(TextStyle.FULL, Locale.ENGLISH)
          .toLowerCase(Locale.ROOT)
          .startsWith(prefix)) {
        return month.getValue();
      }
    }
    throw new IllegalStateException("not a month: " + name);
  }

  private static Optional<DayOfWeek> weekday(String name) {
    return name == null ? Optional.empty() : Optional.of(dayOfWeek(name));
  }

  private static DayOfWeek dayOfWeek(String name) {
    String prefix = name.toLowerCase(Locale.ROOT).substring(0, 3);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (day.getDisplayName(TextStyle.FULL, Locale.ENGLISH)
          .toLowerCase(Locale.ROOT)
          .startsWith(prefix)) {
        return day;
      }
    }
    throw new IllegalStateException("not a weekday: " + name);
  }

  private static String english(DayOfWeek day) {
    return day.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
  }

  private record Resolved(LocalDate date, String problem, String remark) {
    static Resolved date(LocalDate date) {
      return new Resolved(date, null, null);
    }

    static Resolved problem(String problem) {
      return new Resolved(null, problem, null);
    }
  }

  /**
   * A date as written: {@code year}, {@code month} and {@code day} are 0 when the text leaves them
   * out (a weekday alone leaves all three out).
   */
  private record DateText(
      int position, String text, int year, int month, int day, Optional<DayOfWeek> weekday) {

    DateText {
      text = text.strip().replaceAll("[.,]+$", "");
    }

    Resolved resolve(LocalDate previous) {
      Resolved resolved;
      if (day == 0) {
        resolved = Resolved.date(firstWeekdayAfter(previous, weekday.orElseThrow()));
      } else if (month == 0) {
        resolved = dayOfMonthAfter(previous);
      } else if (year == 0) {
        resolved = dayAndMonthAfter(previous);
      } else {
        resolved = exact();
      }
      if (resolved.date != null && !resolved.date.isAfter(previous)) {
        return Resolved.problem("'" + text + "' is not after the previous call (" + previous + ")");
      }
      if (resolved.date != null
          && day != 0
          && weekday.isPresent()
          && resolved.date.getDayOfWeek() != weekday.get()) {
        return new Resolved(
            resolved.date,
            null,
            resolved.date
                + " is a "
                + english(resolved.date.getDayOfWeek())
                + ", not a "
                + english(weekday.get())
                + " as the minutes say ('"
                + text
                + "'); check the date");
      }
      return resolved;
    }

    private Resolved exact() {
      try {
        return Resolved.date(LocalDate.of(year, month, day));
      } catch (DateTimeException e) {
        return Resolved.problem("'" + text + "' is not a date");
      }
    }

    private Resolved dayAndMonthAfter(LocalDate previous) {
      if (day < 1 || day > Month.of(month).maxLength()) {
        return Resolved.problem("'" + text + "' is not a date");
      }
      for (int y = previous.getYear(); y <= previous.getYear() + 1; y++) {
        if (day <= Month.of(month).length(LocalDate.of(y, 1, 1).isLeapYear())) {
          LocalDate candidate = LocalDate.of(y, month, day);
          if (candidate.isAfter(previous)) {
            return Resolved.date(candidate);
          }
        }
      }
      return Resolved.problem(
          "'" + text + "' does not come within a year after the previous call (" + previous + ")");
    }

    private Resolved dayOfMonthAfter(LocalDate previous) {
      if (day < 1 || day > 31) {
        return Resolved.problem("'" + text + "' is not a day of a month");
      }
      for (int k = 0; k <= 12; k++) {
        LocalDate month = previous.withDayOfMonth(1).plusMonths(k);
        if (day <= month.lengthOfMonth() && month.withDayOfMonth(day).isAfter(previous)) {
          return Resolved.date(month.withDayOfMonth(day));
        }
      }
      return Resolved.problem("'" + text + "' is not a day of a month");
    }

    private static LocalDate firstWeekdayAfter(LocalDate previous, DayOfWeek day) {
      LocalDate date = previous.plusDays(1);
      while (date.getDayOfWeek() != day) {
        date = date.plusDays(1);
      }
      return date;
    }
  }
}
