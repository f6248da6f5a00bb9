package dev.minutes.store;

/** A wake-up saying that {@code documentId} has a log entry with sequence number {@code seq}. */
public record Announcement(String documentId, long seq) {}
