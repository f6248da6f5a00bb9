package dev.minutes.sync;

import java.util.concurrent.atomic.AtomicLong;
import org.automerge.Document;
import org.automerge.SyncState;

/**
 * The only place native Automerge objects are created and freed, so that every one is counted. The
 * binding frees native memory only on {@code free()} (no finalizer): a count that does not return
 * to zero after sessions unload is a leak, and tests assert on it.
 */
public final class AutomergeObjects {
  private final AtomicLong documents = new AtomicLong();
  private final AtomicLong syncStates = new AtomicLong();

  public AutomergeObjects() {
    // SyncState's native library is only loaded by Document's class initialiser: touch it first.
    new Document().free();
  }

  public Document newDocument() {
    Document document = new Document();
    documents.incrementAndGet();
    return document;
  }

  /** Loads saved bytes; throws the binding's RuntimeException on bytes it cannot parse. */
  public Document load(byte[] saved) {
    Document document = Document.load(saved);
    documents.incrementAndGet();
    return document;
  }

  public Document fork(Document source, org.automerge.ChangeHash[] heads) {
    Document document = source.fork(heads);
    documents.incrementAndGet();
    return document;
  }

  public SyncState newSyncState() {
    SyncState state = new SyncState();
    syncStates.incrementAndGet();
    return state;
  }

  public void free(Document document) {
    if (document != null) {
      document.free();
      documents.decrementAndGet();
    }
  }

  public void free(SyncState state) {
    if (state != null) {
      state.free();
      syncStates.decrementAndGet();
    }
  }

  public long liveDocuments() {
    return documents.get();
  }

  public long liveSyncStates() {
    return syncStates.get();
  }

  public long live() {
    return documents.get() + syncStates.get();
  }
}
