package dev.minutes.render;

/**
 * The eight value lines of the front matter, in file order (lines 2 to 9 without {@code author:}).
 */
enum Field {
  UPDATED("updated", "updated", 0, 2, Style.PLAIN_DATE),
  NAME("name", "author.name", 2, 4, Style.PLAIN_WHEN_SAFE),
  URI("uri", "author.uri", 2, 5, Style.PLAIN_WHEN_SAFE),
  EMAIL("email", "author.email", 2, 6, Style.PLAIN_WHEN_SAFE),
  SUBJECT("subject", "subject", 0, 7, Style.SINGLE_QUOTED),
  PERMALINK("permalink", "permalink", 0, 8, Style.PLAIN_WHEN_SAFE),
  DESCRIPTION("description", "description", 0, 9, Style.SINGLE_QUOTED);

  /** How the published format writes a field's value. */
  enum Style {
    /** Always plain: the value is validated as {@code YYYY-MM-DD}. */
    PLAIN_DATE,
    /** Plain when YAML reads it back unchanged, single-quoted otherwise. */
    PLAIN_WHEN_SAFE,
    /** Always single-quoted, as every published subject and description. */
    SINGLE_QUOTED
  }

  private final String key;
  private final String displayName;
  private final int indent;
  private final int lineNumber;
  private final Style style;

  Field(String key, String displayName, int indent, int lineNumber, Style style) {
    this.key = key;
    this.displayName = displayName;
    this.indent = indent;
    this.lineNumber = lineNumber;
    this.style = style;
  }

  String key() {
    return key;
  }

  /** The name used in messages, {@code author.name} rather than {@code name}. */
  String displayName() {
    return displayName;
  }

  int indent() {
    return indent;
  }

  String indentation() {
    return " ".repeat(indent);
  }

  /** The 1-based line this field sits on in every published file. */
  int lineNumber() {
    return lineNumber;
  }

  Style style() {
    return style;
  }
}
