package dev.minutes.sync;

import org.automerge.Document;

/**
 * What the readers of a document need of it when no session holds it (for a meeting: its details
 * and text), made by a session from the stored document (every {@code compactAfter} entries, and as
 * it unloads) and kept beside it in the store ({@code DocumentStore.saveDigest}), so that such a
 * reader need not load a long history into Automerge. Runs on the document's lane; must keep
 * neither the document nor anything made from it.
 */
@FunctionalInterface
public interface DocumentDigest {
  /** The digest of {@code document}, or null for none. */
  byte[] of(Document document);
}
