package dev.minutes.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects what the server logs (every logger) while open, so tests can check refusals are logged
 * and tokens are not.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /**
   * Every line logged so far: level, logger and formatted message (with the throwable's message, if
   * any).
   */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream()
          .map(
              event ->
                  event.getLevel()
                      + " "
                      + event.getLoggerName()
                      + " "
                      + event.getFormattedMessage()
                      + (event.getThrowableProxy() == null
                          ? ""
                          : " " + event.getThrowableProxy().getMessage()))
          .toList();
    }
  }

  /** Whether some WARN line contains every one of {@code parts}. */
  public boolean warned(String... parts) {
    return lines().stream()
        .anyMatch(
            line -> line.startsWith("WARN") && List.of(parts).stream().allMatch(line::contains));
  }

  /** Whether any line (any level) contains {@code text}. */
  public boolean mentions(String text) {
    return lines().stream().anyMatch(line -> line.contains(text));
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
