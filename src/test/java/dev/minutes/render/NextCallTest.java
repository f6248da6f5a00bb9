package dev.minutes.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minutes.support.Corpus;
import java.time.LocalDate;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The next call as the previous minutes say it")
class NextCallTest {

  private static NextCall inCorpus(String file) {
    PublishedMinutes minutes = MinutesParser.parse(Corpus.text(file));
    return NextCall.find(minutes.body(), LocalDate.parse(minutes.frontMatter().updated()));
  }

  private static NextCall in(String body, String previousCall) {
    return NextCall.find(body, LocalDate.parse(previousCall));
  }

  @Nested
  @DisplayName("in the real minutes of the corpus (each checked by reading the file)")
  class RealMinutes {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
      // "Next call will be 10th June and items can be added to the [Agenda][]."
      "2014-05-27.md, 2014-06-10",
      // "Next call will be **24th June**. Amir will send an email … on the 23rd."
      "2014-06-10.md, 2014-06-24",
      // "- Next call will take place on the 22nd, but be aware that Anil and Mort …"
      "2014-07-08.md, 2014-07-22",
      // "- Next call is scheduled for **2nd September** - Please refer to the …"
      "2014-08-20.md, 2014-09-02",
      // "should be done by the next call" earlier, then "Next call is scheduled for **28th
      // October**"
      "2014-10-14.md, 2014-10-28",
      // "- The next call is scheduled for **Wednesday, 10th December** - Please refer"
      "2014-11-26.md, 2014-12-10",
      // "- The next call is scheduled for **Wednesday, 14th January**": the next year
      "2014-12-10.md, 2015-01-14",
      // "… **Wednesday, 8th April**, but there are indications that we may need to delay it"
      "2015-03-25.md, 2015-04-08",
      // "- The next call is scheduled for **Wednesday, 16th December**. Please add any"
      "2015-12-02.md, 2015-12-16",
      // "- The next call is scheduled for **16th March**. Please add any"
      "2016-03-02.md, 2016-03-16",
    })
    @DisplayName("finds the date the minutes give")
    void findsTheDate(String file, String expected) {
      NextCall next = inCorpus(file);

      assertThat(next.date()).contains(LocalDate.parse(expected));
      assertThat(next.problem()).isEmpty();
      assertThat(next.remark()).as("the weekdays in the corpus are right").isEmpty();
      assertThat(next.sentence().orElseThrow()).containsIgnoringCase("next call");
    }

    @Test
    @DisplayName("'scheduled for **NEXT YEAR!**' (2015-12-16) names no date and no problem")
    void nextYearIsNoDate() {
      NextCall next = inCorpus("2015-12-16.md");

      assertThat(next.sentence()).hasValueSatisfying(s -> assertThat(s).contains("NEXT YEAR!"));
      assertThat(next.date()).isEmpty();
      assertThat(next.impossible()).isFalse();
    }

    @Test
    @DisplayName("the 2013 minutes, which plan no next call, give nothing")
    void noSentence() {
      assertThat(inCorpus("2013-05-21.md")).isEqualTo(NextCall.none());
    }

    static Stream<Arguments> everyFile() {
      return Corpus.files().stream().map(path -> Arguments.of(path.getFileName().toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFile")
    @DisplayName("every date found in the corpus is a real date within three months after the call")
    void everyDateIsPlausible(String file) {
      NextCall next = inCorpus(file);
      LocalDate call = LocalDate.parse(file.substring(0, 10));

      assertThat(next.problem()).isEmpty();
      next.date()
          .ifPresent(date -> assertThat(date).isAfter(call).isBeforeOrEqualTo(call.plusMonths(3)));
    }

    @Test
    @DisplayName("the corpus is all there (else the test above proves nothing)")
    void corpusIsComplete() {
      assertThat(Corpus.files()).hasSize(Corpus.EXPECTED_FILES);
    }
  }

  @Nested
  @DisplayName("in the forms the contract names")
  class Forms {

    @Test
    @DisplayName("'Next call: 2026-12-16' is that ISO date")
    void isoDate() {
      assertThat(in("- Next call: 2026-12-16\n", "2026-12-09").date())
          .contains(LocalDate.of(2026, 12, 16));
    }

    @Test
    @DisplayName("a date without a year is the first such date after the previous call")
    void yearFromThePreviousCall() {
      assertThat(in("Next call will be 6th January.", "2026-12-30").date())
          .contains(LocalDate.of(2027, 1, 6));
      assertThat(in("Next call will be 6th January.", "2026-01-01").date())
          .contains(LocalDate.of(2026, 1, 6));
    }

    @Test
    @DisplayName("month first, with a year, across a hard line break and emphasis")
    void monthFirst() {
      assertThat(in("The next call\nis on _June 10th, 2027_.", "2027-06-03").date())
          .contains(LocalDate.of(2027, 6, 10));
    }

    @Test
    @DisplayName("a weekday alone is the first such weekday after the previous call")
    void weekdayAlone() {
      assertThat(in("Next call on Wednesday as usual.", "2026-12-09").date())
          .contains(LocalDate.of(2026, 12, 16));
    }

    @Test
    @DisplayName("'…, Thomas to chair' and '… chaired by Thomas' name the chair")
    void chair() {
      NextCall toChair =
          in(
              "The next call is scheduled for **Wednesday, 16th December**, Thomas to chair.",
              "2026-12-09");
      NextCall chairedBy = in("Next call: 2026-12-16, chaired by Thomas Gazagnaire.", "2026-12-09");

      assertThat(toChair.chair()).contains("Thomas");
      assertThat(toChair.date()).contains(LocalDate.of(2026, 12, 16));
      assertThat(chairedBy.chair()).contains("Thomas Gazagnaire");
    }

    @Test
    @DisplayName("the last sentence naming a date counts")
    void lastOneCounts() {
      String body =
          "Discussed at the next call on 2nd December.\n\n#### AoB ####\n\nNext call will be 16th December.\n";
      assertThat(in(body, "2026-11-25").date()).contains(LocalDate.of(2026, 12, 16));
    }

    @Test
    @DisplayName("a sentence ends at its full stop: a later date is not the next call's")
    void sentenceEnds() {
      NextCall next =
          in("Next call will be soon. Amir sends the agenda on the 23rd.", "2026-12-09");
      assertThat(next.date()).isEmpty();
      assertThat(next.sentence()).contains("Next call will be soon.");
    }
  }

  @Nested
  @DisplayName("dates that cannot be used are not used, and say why")
  class Problems {

    @Test
    @DisplayName("'31st February' is not a date")
    void impossibleDate() {
      NextCall next = in("Next call is scheduled for **31st February**.", "2027-02-10");

      assertThat(next.date()).isEmpty();
      assertThat(next.impossible()).isTrue();
      assertThat(next.problem()).contains("'31st February' is not a date");
    }

    @Test
    @DisplayName("'Next call: 2026-02-30' is not a date")
    void impossibleIsoDate() {
      assertThat(in("Next call: 2026-02-30", "2026-02-20").problem())
          .contains("'2026-02-30' is not a date");
    }

    @Test
    @DisplayName("a date before the previous call is not used")
    void pastDate() {
      NextCall next = in("Next call: 2020-01-01", "2026-12-09");

      assertThat(next.date()).isEmpty();
      assertThat(next.problem().orElseThrow()).contains("not after the previous call (2026-12-09)");
    }

    @Test
    @DisplayName("'29th February' two years before a leap year does not come within a year")
    void leapDay() {
      assertThat(in("Next call will be 29th February.", "2025-12-01").problem().orElseThrow())
          .contains("does not come within a year");
      assertThat(in("Next call will be 29th February.", "2027-12-01").date())
          .contains(LocalDate.of(2028, 2, 29));
    }

    @Test
    @DisplayName("a weekday that does not match the day keeps the day and says so")
    void wrongWeekday() {
      NextCall next = in("Next call: Tuesday, 16th December.", "2026-12-09");

      assertThat(next.date()).contains(LocalDate.of(2026, 12, 16));
      assertThat(next.remark())
          .contains(
              "2026-12-16 is a Wednesday, not a Tuesday as the minutes say ('Tuesday, 16th December'); check the date");
    }

    @Test
    @DisplayName("no sentence at all gives nothing")
    void nothing() {
      assertThat(in("### Notes ###\n\nWe talked.\n", "2026-12-09")).isEqualTo(NextCall.none());
      assertThat(NextCall.none().chair()).isEqualTo(Optional.empty());
    }
  }
}
