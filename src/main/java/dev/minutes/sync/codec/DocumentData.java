package dev.minutes.sync.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * What {@link Sync} and {@link Request} both carry: an Automerge sync message for one document.
 * Records compare arrays by identity, so the two share value equality and a description that never
 * prints the (user content) bytes.
 */
sealed interface DocumentData permits Sync, Request {
  String senderId();

  String targetId();

  String documentId();

  byte[] data();

  static void check(String senderId, String documentId, byte[] data) {
    Objects.requireNonNull(senderId, "senderId");
    Objects.requireNonNull(documentId, "documentId");
    MessageBytes.requireNonEmpty(data);
  }

  static boolean equal(DocumentData a, Object other) {
    return other != null
        && other.getClass() == a.getClass()
        && other instanceof DocumentData b
        && a.senderId().equals(b.senderId())
        && Objects.equals(a.targetId(), b.targetId())
        && a.documentId().equals(b.documentId())
        && Arrays.equals(a.data(), b.data());
  }

  static int hash(DocumentData message) {
    return Objects.hash(
        message.senderId(),
        message.targetId(),
        message.documentId(),
        Arrays.hashCode(message.data()));
  }

  static String describe(DocumentData message) {
    return message.getClass().getSimpleName()
        + "[senderId="
        + message.senderId()
        + ", targetId="
        + message.targetId()
        + ", documentId="
        + message.documentId()
        + ", data="
        + MessageBytes.describe(message.data())
        + "]";
  }
}
