package dev.minutes.meeting;

import java.util.Locale;

/** What a token lets its holder do with its meeting. */
public enum Role {
  CHAIR,
  EDITOR,
  VIEWER;

  public boolean mayWrite() {
    return this != VIEWER;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
