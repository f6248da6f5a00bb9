package dev.minutes.sync.codec;

import java.util.Objects;

/** Checks and descriptions shared by the records that carry a byte payload. */
final class MessageBytes {

  private MessageBytes() {}

  /** Both ends of the protocol refuse to send a message whose {@code data} is zero bytes. */
  static void requireNonEmpty(byte[] data) {
    Objects.requireNonNull(data, "data");
    if (data.length == 0) {
      throw new IllegalArgumentException("data must not be empty");
    }
  }

  /** Length only: payloads can be large and are user content, so they never go into logs. */
  static String describe(byte[] data) {
    return data.length + " bytes";
  }
}
