package dev.minutes.meeting;

import dev.minutes.render.Author;
import dev.minutes.render.FrontMatter;
import dev.minutes.sync.AutomergeObjects;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.automerge.AmValue;
import org.automerge.ChangeHash;
import org.automerge.ChangeHashes;
import org.automerge.Document;
import org.automerge.MapEntry;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;

/**
 * The meeting's shared Automerge document (docs/contract.md §1): building it, reading it at given
 * heads and writing the closing change. Every method is CPU work behind JNI: call it on the
 * Automerge worker pool, never on an event loop. Each method owns the natives it creates and frees
 * them before returning; only bytes and plain Java values leave.
 *
 * <p>Strings are written as Automerge text objects, because the binding's scalar strings reach the
 * JS client as {@code ImmutableString}, not as JS strings (protocol notes §9). Reading accepts
 * both.
 */
public final class MeetingDocument {
  public static final String SCHEMA = "minutes/1";

  /** The root map of actor ids (hex) → names the pages write (docs/contract.md §1). */
  static final String PEOPLE = "people";

  private final AutomergeObjects natives;

  public MeetingDocument(AutomergeObjects natives) {
    this.natives = natives;
  }

  /** Saved bytes of a new meeting document. */
  public byte[] create(FrontMatter meta, String body) {
    Document document = natives.newDocument();
    try {
      try (Transaction tx = document.startTransaction()) {
        putText(tx, ObjectId.ROOT, "schema", SCHEMA);
        ObjectId metaId = tx.set(ObjectId.ROOT, "meta", ObjectType.MAP);
        putText(tx, metaId, "updated", meta.updated());
        ObjectId author = tx.set(metaId, "author", ObjectType.MAP);
        putText(tx, author, "name", meta.author().name());
        putText(tx, author, "uri", meta.author().uri());
        putText(tx, author, "email", meta.author().email());
        putText(tx, metaId, "subject", meta.subject());
        putText(tx, metaId, "permalink", meta.permalink());
        putText(tx, metaId, "description", meta.description());
        putText(tx, ObjectId.ROOT, "body", body);
        putText(tx, ObjectId.ROOT, "status", "open");
        // Made here, once: pages that each created it on joining would make rival maps, and
        // Automerge would keep the names written into only one of them.
        tx.set(ObjectId.ROOT, PEOPLE, ObjectType.MAP);
        tx.commit();
      }
      return document.save();
    } finally {
      natives.free(document);
    }
  }

  /**
   * The digest kept beside the stored document while nobody has it open ({@link MeetingDigest}):
   * what {@link #current(Document)} says.
   */
  public byte[] digest(Document document) {
    return MeetingDigest.write(current(document));
  }

  /** What the stored document (snapshot plus log entries) says now. */
  public Snapshot current(byte[] snapshot, List<byte[]> changes) {
    Document document = load(snapshot, changes);
    try {
      return read(document, document.getHeads());
    } finally {
      natives.free(document);
    }
  }

  /** What a loaded document says now (it stays its owner's: nothing of it is kept). */
  public Snapshot current(Document document) {
    return read(document, document.getHeads());
  }

  /** What the stored document (snapshot plus log entries) says at the given heads. */
  public Snapshot readAt(byte[] snapshot, List<byte[]> changes, List<String> heads) {
    Document document = load(snapshot, changes);
    try {
      return read(document, toHashes(heads));
    } finally {
      natives.free(document);
    }
  }

  /** The current heads of the stored document (snapshot plus log entries), as hex. */
  public List<String> heads(byte[] snapshot, List<byte[]> changes) {
    Document document = load(snapshot, changes);
    try {
      return hex(document.getHeads());
    } finally {
      natives.free(document);
    }
  }

  /**
   * The stored document (snapshot plus log entries) saved as one document with its whole history
   * (the bytes {@code Automerge.load} reads, with the same heads), and the date its meta names.
   */
  public Saved saved(byte[] snapshot, List<byte[]> changes) {
    Document document = load(snapshot, changes);
    try {
      ChangeHash[] heads = document.getHeads();
      String updated =
          field(document, objectId(document, ObjectId.ROOT, "meta", heads), "updated", heads);
      return new Saved(document.save(), updated);
    } finally {
      natives.free(document);
    }
  }

  /** Everything the stored document (snapshot plus log entries) says now, as plain values. */
  public Contents contents(byte[] snapshot, List<byte[]> changes) {
    Document document = load(snapshot, changes);
    try {
      ChangeHash[] heads = document.getHeads();
      return new Contents(
          read(document, heads), closed(document, heads), people(document, heads), hex(heads));
    } finally {
      natives.free(document);
    }
  }

  /**
   * Freezes the stored document (snapshot plus log entries; the write gate must be closed, so
   * nothing else is added) and makes the change that marks it closed ({@code status}, {@code
   * closed}) on top of its heads. Returns the frozen heads, the encoded change to append to the log
   * and the change's hash. The bytes are kept, so that a retried close appends this very change
   * instead of making a second one.
   */
  public ClosingChange closingChange(byte[] snapshot, List<byte[]> changes, String at, String by) {
    Document document = load(snapshot, changes);
    try {
      ChangeHash[] before = document.getHeads();
      List<String> frozenHeads = hex(before);
      try (Transaction tx = document.startTransaction()) {
        putText(tx, ObjectId.ROOT, "status", "closed");
        ObjectId closed = tx.set(ObjectId.ROOT, "closed", ObjectType.MAP);
        putText(tx, closed, "at", at);
        putText(tx, closed, "by", by);
        ObjectId headList = tx.set(closed, "heads", ObjectType.LIST);
        for (int i = 0; i < frozenHeads.size(); i++) {
          ObjectId item = tx.insert(headList, i, ObjectType.TEXT);
          tx.spliceText(item, 0, 0, frozenHeads.get(i));
        }
        tx.commit();
      }
      List<String> after = hex(document.getHeads());
      if (after.size() != 1) {
        throw new IllegalStateException(
            "a closing change must leave exactly one head, found " + after);
      }
      return new ClosingChange(frozenHeads, document.encodeChangesSince(before), after.get(0));
    } finally {
      natives.free(document);
    }
  }

  /**
   * The change that opens the stored document (snapshot plus log entries) again for corrections:
   * {@code status} back to {@code "open"} and the {@code closed} map gone, on top of its heads.
   * Every edit stays. Empty when the document already says open (a reopen retried after a crash).
   */
  public Optional<byte[]> reopeningChange(byte[] snapshot, List<byte[]> changes) {
    Document document = load(snapshot, changes);
    try {
      ChangeHash[] heads = document.getHeads();
      if (!"closed".equals(string(document, ObjectId.ROOT, "status", heads).orElse("open"))) {
        return Optional.empty();
      }
      boolean hasClosedMap = document.get(ObjectId.ROOT, "closed", heads).isPresent();
      try (Transaction tx = document.startTransaction()) {
        putText(tx, ObjectId.ROOT, "status", "open");
        if (hasClosedMap) {
          tx.delete(ObjectId.ROOT, "closed");
        }
        tx.commit();
      }
      return Optional.of(document.encodeChangesSince(heads));
    } finally {
      natives.free(document);
    }
  }

  private Document load(byte[] snapshot, List<byte[]> changes) {
    Document document = natives.load(snapshot);
    try {
      for (byte[] change : changes) {
        document.applyEncodedChanges(change);
      }
      return document;
    } catch (RuntimeException e) {
      natives.free(document);
      throw e;
    }
  }

  private static Snapshot read(Document document, ChangeHash[] heads) {
    String body = string(document, ObjectId.ROOT, "body", heads).orElse("");
    String status = string(document, ObjectId.ROOT, "status", heads).orElse("open");
    ObjectId meta = objectId(document, ObjectId.ROOT, "meta", heads);
    ObjectId author = meta == null ? null : objectId(document, meta, "author", heads);
    FrontMatter frontMatter =
        new FrontMatter(
            field(document, meta, "updated", heads),
            new Author(
                field(document, author, "name", heads),
                field(document, author, "uri", heads),
                field(document, author, "email", heads)),
            field(document, meta, "subject", heads),
            field(document, meta, "permalink", heads),
            field(document, meta, "description", heads));
    return new Snapshot(frontMatter, body, status, hex(heads));
  }

  private static Optional<Closed> closed(Document document, ChangeHash[] heads) {
    ObjectId closed = objectId(document, ObjectId.ROOT, "closed", heads);
    if (closed == null) {
      return Optional.empty();
    }
    List<String> frozen = new ArrayList<>();
    Optional<AmValue> list = document.get(closed, "heads", heads);
    if (list.isPresent() && list.get() instanceof AmValue.List items) {
      for (AmValue item : document.listItems(items.getId(), heads).orElse(new AmValue[0])) {
        stringOf(document, item, heads).ifPresent(frozen::add);
      }
    }
    return Optional.of(
        new Closed(
            field(document, closed, "at", heads), field(document, closed, "by", heads), frozen));
  }

  /** The {@code people} map; entries whose value is not a string are left out. */
  private static Map<String, String> people(Document document, ChangeHash[] heads) {
    Map<String, String> people = new TreeMap<>();
    ObjectId map = objectId(document, ObjectId.ROOT, PEOPLE, heads);
    if (map == null) {
      return people;
    }
    for (MapEntry entry : document.mapEntries(map, heads).orElse(new MapEntry[0])) {
      stringOf(document, entry.getValue(), heads)
          .ifPresent(name -> people.put(entry.getKey(), name));
    }
    return people;
  }

  private static String field(Document document, ObjectId object, String key, ChangeHash[] heads) {
    return object == null ? "" : string(document, object, key, heads).orElse("");
  }

  /** Reads a string written either as text (JS, us) or as a scalar string (other Java writers). */
  private static Optional<String> string(
      Document document, ObjectId object, String key, ChangeHash[] heads) {
    return document.get(object, key, heads).flatMap(value -> stringOf(document, value, heads));
  }

  private static Optional<String> stringOf(Document document, AmValue value, ChangeHash[] heads) {
    if (value instanceof AmValue.Text text) {
      return document.text(text.getId(), heads);
    }
    if (value instanceof AmValue.Str str) {
      return Optional.of(str.getValue());
    }
    return Optional.empty();
  }

  private static ObjectId objectId(
      Document document, ObjectId object, String key, ChangeHash[] heads) {
    Optional<AmValue> value = document.get(object, key, heads);
    return value.isPresent() && value.get() instanceof AmValue.Map map ? map.getId() : null;
  }

  private static void putText(Transaction tx, ObjectId object, String key, String value) {
    ObjectId text = tx.set(object, key, ObjectType.TEXT);
    if (!value.isEmpty()) {
      tx.spliceText(text, 0, 0, value);
    }
  }

  static List<String> hex(ChangeHash[] heads) {
    List<String> out = new ArrayList<>(heads.length);
    for (ChangeHash head : heads) {
      out.add(HexFormat.of().formatHex(head.getBytes()));
    }
    return out;
  }

  static ChangeHash[] toHashes(List<String> heads) {
    ChangeHash[] out = new ChangeHash[heads.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ChangeHashes.of(HexFormat.of().parseHex(heads.get(i)));
    }
    return out;
  }

  /**
   * The meeting as the document says at some heads: its details, text and status, read at {@code
   * heads} (hex; empty when not read from the document, e.g. from the final minutes). A page that
   * shows {@code body} before its document arrives writes the person's first edits against those
   * heads.
   */
  public record Snapshot(FrontMatter meta, String body, String status, List<String> heads) {
    public Snapshot {
      heads = List.copyOf(heads);
    }
  }

  /** A whole document's saved bytes and its {@code meta.updated}, as written (maybe no date). */
  public record Saved(byte[] bytes, String updated) {}

  /** What a close recorded in the document: {@code closed.at}, {@code .by}, {@code .heads}. */
  public record Closed(String at, String by, List<String> heads) {}

  /**
   * The whole stored document as plain values: what it says, its {@code closed} map, its {@code
   * people} (actor id → name) and its heads (hex).
   */
  public record Contents(
      Snapshot snapshot, Optional<Closed> closed, Map<String, String> people, List<String> heads) {}

  /**
   * The heads a close froze, the encoded closing change made on top of them, and its hash (hex).
   */
  public record ClosingChange(List<String> frozenHeads, byte[] bytes, String head) {}
}
