package dev.minutes.series;

import dev.minutes.meeting.MeetingException;
import dev.minutes.meeting.RequestFields;
import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import dev.minutes.render.MinutesRenderer;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A validated request to create a series (docs/series.md, {@code POST /api/series}). Every field
 * problem is refused with a message naming the field; nothing is stored before validation passes.
 */
public final class SeriesRequest {
  static final int MIN_CADENCE = 1;
  static final int MAX_CADENCE = 365;
  static final String DEFAULT_TITLE = "Weekly call";

  private SeriesRequest() {}

  /** The settings of a new series (its id still empty) from the JSON body. */
  public static Series fromJson(JsonObject json) {
    Optional<String> chair = RequestFields.name(json, "chair");
    Author author = RequestFields.author(json, chair);
    String subject = RequestFields.optionalText(json, "subject").orElse(Series.DEFAULT_SUBJECT);
    String description = RequestFields.optionalText(json, "description").orElse("");
    Series series =
        new Series(
            "",
            RequestFields.optionalText(json, "title").orElse(DEFAULT_TITLE),
            chair.orElse(author.name()),
            RequestFields.names(json, "attendees"),
            RequestFields.names(json, "agenda"),
            cadenceDays(json),
            subject,
            description,
            author);
    checkPublishable(series);
    return series;
  }

  private static int cadenceDays(JsonObject json) {
    Object value = json.getValue("cadenceDays");
    if (value == null) {
      return Series.DEFAULT_CADENCE_DAYS;
    }
    if (!(value instanceof Number number)
        || number.doubleValue() != Math.rint(number.doubleValue())
        || number.doubleValue() < MIN_CADENCE
        || number.doubleValue() > MAX_CADENCE) {
      throw new MeetingException(
          MeetingException.Kind.INVALID,
          "invalid_cadenceDays",
          "cadenceDays must be a whole number of days from "
              + MIN_CADENCE
              + " to "
              + MAX_CADENCE
              + ", got "
              + (value instanceof String ? "'" + value + "'" : value));
    }
    return number.intValue();
  }

  /** Every call's front matter must be publishable: try the subject and author on a sample date. */
  private static void checkPublishable(Series series) {
    String sample = "2000-01-01";
    try {
      MinutesRenderer.validate(
          new FrontMatter(
              sample,
              series.author(),
              series.subjectOn(sample),
              "weekly-" + sample,
              series.description()));
    } catch (IllegalArgumentException e) {
      throw new MeetingException(MeetingException.Kind.INVALID, "invalid_meta", e.getMessage());
    }
  }
}
