package dev.minutes.render;

/**
 * A published minutes text that does not follow the docs site's format, or that would not render
 * back to the same bytes. The message is meant for people: it names the line ({@code "line 7:
 * expected key 'subject'"}) whenever the problem sits on one.
 */
public final class MinutesFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** 1-based line number in the whole text, or 0 when the problem is not on one line. */
  private final int line;

  MinutesFormatException(int line, String problem) {
    // Expected refusals of user input: a stack trace would only add noise to the logs.
    super(line > 0 ? "line " + line + ": " + problem : problem, null, false, false);
    this.line = line;
  }

  MinutesFormatException(String problem) {
    this(0, problem);
  }

  /** The 1-based line of the whole text the problem is on, or 0 when it is not on one line. */
  public int line() {
    return line;
  }
}
