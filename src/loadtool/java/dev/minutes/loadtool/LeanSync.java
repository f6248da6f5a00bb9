package dev.minutes.loadtool;

import dev.minutes.sync.codec.ChangeChunk;
import dev.minutes.sync.codec.MalformedMessageException;
import dev.minutes.sync.codec.SyncMessageParts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.ObjectId;

/**
 * A typist's sync with the server once both hold the same heads: the messages Automerge's own sync
 * would send in that state, worked out without asking Automerge's sync.
 *
 * <p>Why: automerge 0.5.7 walks the document's whole change history on every sync receive and
 * generate, so a load tool that lets Automerge sync every keystroke of every peer spends more CPU
 * than the server it measures, and more with every minute of typing. Here a typist keeps the few
 * changes made since the heads it last shared with the server, and sends exactly what Automerge
 * sends: its heads, no need, one {@code have} entry (the shared heads and a bloom filter of the
 * changes since them) and the changes the server has not been sent. {@code LeanSyncTest} checks the
 * bytes against Automerge's. Anything unusual (the server needs something, resets, sends a change
 * this class cannot read, names heads the typist lacks) returns {@code false} and the typist goes
 * back to Automerge's sync.
 *
 * <p>Not thread safe: used on its typist's context only. Does not own the document.
 */
final class LeanSync {
  /** How many recently seen change hashes are remembered to recognise the server's heads. */
  private static final int KNOWN_CAPACITY = 8_192;

  private final Document document;

  /**
   * Writes this typist's keystrokes without encodeChangesSince once it knows the document's
   * counters.
   */
  private final KeystrokeChanges keystrokes;

  /** Changes added since the shared heads (not ancestors of them), each with its dependencies. */
  private final Map<ByteBuffer, List<byte[]>> sinceShared = new LinkedHashMap<>();

  /** Local changes the server has not been sent yet. */
  private final List<ChangeChunk> unsent = new ArrayList<>();

  /**
   * The bloom filter of the server's latest {@code have}: changes it says it holds beyond the last
   * sync.
   */
  private byte[] theirBloom;

  private final Set<ByteBuffer> known =
      java.util.Collections.newSetFromMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
              return size() > KNOWN_CAPACITY;
            }
          });
  private List<byte[]> sharedHeads;
  private List<byte[]> lastSentHeads;

  /** Automerge answers in version 2 once the other side's capabilities offered it. */
  private boolean version2;

  private LeanSync(Document document, List<byte[]> heads, boolean version2, byte[] serverBloom) {
    this.document = document;
    this.keystrokes = new KeystrokeChanges(document.getActorId());
    this.theirBloom = serverBloom;
    this.version2 = version2;
    this.sharedHeads = heads;
    this.lastSentHeads = heads;
    heads.forEach(head -> known.add(ByteBuffer.wrap(head)));
  }

  /**
   * Starts if the server's latest heads are exactly ours, i.e. neither side lacks anything; {@code
   * serverOfferedVersion2}: whether any server message so far offered version 2; {@code
   * serverBloom}: the bloom filter of the server's latest message (Automerge's sync state remembers
   * it too).
   */
  static Optional<LeanSync> startIfInStep(
      Document document,
      List<byte[]> serverHeads,
      boolean serverOfferedVersion2,
      byte[] serverBloom) {
    List<byte[]> ours = bytes(document.getHeads());
    if (serverHeads == null || ours.isEmpty() || !sameSet(ours, serverHeads)) {
      return Optional.empty();
    }
    return Optional.of(new LeanSync(document, ours, serverOfferedVersion2, serverBloom));
  }

  /**
   * Types one character into {@code text} at {@code position} as a change written here (see {@link
   * KeystrokeChanges}) and applies it to the document; empty while the writer does not know the
   * document's counters: then commit through Automerge and call {@link #committed}.
   */
  Optional<ChangeChunk> type(ObjectId text, long position, String character) {
    if (!keystrokes.ready()) {
      return Optional.empty();
    }
    Optional<String> after =
        position == 0
            ? Optional.empty()
            : Optional.of(document.makeCursor(text, position - 1).toString());
    ChangeChunk change =
        keystrokes.insert(text.toString(), after, character, bytes(document.getHeads()));
    try {
      document.applyEncodedChanges(change.bytes());
    } catch (RuntimeException e) {
      keystrokes.forget();
      throw e;
    }
    if (!containsHash(document.getHeads(), change.hash())) { // a writer bug, or counters gone stale
      keystrokes.forget();
      throw new IllegalStateException(
          "a written keystroke change did not become the document's head");
    }
    add(change);
    unsent.add(change);
    return Optional.of(change);
  }

  /** Records a change just committed locally ({@code heads} are the document's heads before it). */
  void committed(ChangeHash[] headsBefore) {
    byte[] change = document.encodeChangesSince(headsBefore);
    ChangeChunk chunk = ChangeChunk.parse(change, 0, change.length);
    keystrokes.learnOwn(chunk);
    add(chunk);
    unsent.add(chunk);
  }

  /**
   * Applies a server message. Returns why not, having applied nothing or only changes Automerge's
   * sync would have applied too, when the message needs Automerge's sync from here on; empty when
   * done.
   */
  Optional<String> receive(SyncMessageParts parts) {
    version2 |= parts.offersVersion2();
    theirBloom = parts.firstBloom();
    if (parts.needCount() > 0) {
      return Optional.of("the server needs " + parts.needCount() + " change(s)");
    }
    if (parts.lastSyncs().contains(0)) {
      return Optional.of("the server restarts the sync");
    }
    List<ChangeChunk> changes = new ArrayList<>();
    try {
      for (byte[] chunk : parts.changes()) {
        changes.addAll(
            ChangeChunk.splitAll(chunk)); // automerge 3 may send several changes in one chunk
      }
    } catch (MalformedMessageException e) {
      return Optional.of("unreadable here: " + e.getMessage()); // e.g. a compressed change chunk
    }
    if (!changes.isEmpty()) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      changes.forEach(change -> all.writeBytes(change.bytes()));
      document.applyEncodedChanges(all.toByteArray());
      changes.forEach(this::add);
      changes.forEach(keystrokes::observe);
    }
    for (byte[] head : parts.heads()) {
      if (!known.contains(ByteBuffer.wrap(head))) {
        return Optional.of("the server names heads this typist lacks");
      }
    }
    sharedHeads = parts.heads();
    forgetAncestorsOf(sharedHeads);
    if (changes.isEmpty() && sameSet(parts.heads(), bytes(document.getHeads()))) {
      lastSentHeads =
          parts.heads(); // Automerge: nothing to acknowledge when it says it holds our heads
    }
    return Optional.empty();
  }

  /** The message for the server now, or empty when Automerge would send none. */
  Optional<byte[]> nextMessage() {
    List<byte[]> heads = bytes(document.getHeads());
    List<byte[]> changes = changesToSend();
    if (changes.isEmpty() && sameList(heads, lastSentHeads)) {
      return Optional.empty();
    }
    byte[] bloom =
        BloomFilter.encode(sinceShared.keySet().stream().map(ByteBuffer::array).toList());
    byte[] message = SyncMessageParts.write(heads, sharedHeads, bloom, changes, version2);
    lastSentHeads = heads;
    return Optional.of(message);
  }

  /**
   * Whether local changes wait because the server's bloom filter seemed to hold them (Automerge
   * does the same).
   */
  boolean holdsBack() {
    return !unsent.isEmpty();
  }

  /**
   * The unsent local changes, except (as in Automerge) those the server's bloom filter says it
   * holds, unless they depend on one that is sent. A false positive keeps a change back until the
   * server's filter no longer matches it or the server asks for it.
   */
  private List<byte[]> changesToSend() {
    List<byte[]> out = new ArrayList<>();
    Set<ByteBuffer> sending = new HashSet<>();
    for (java.util.Iterator<ChangeChunk> it = unsent.iterator(); it.hasNext(); ) {
      ChangeChunk change = it.next();
      boolean dependsOnSent =
          change.deps().stream().anyMatch(dep -> sending.contains(ByteBuffer.wrap(dep)));
      if (dependsOnSent || !BloomFilter.mayContain(theirBloom, change.hash())) {
        out.add(change.bytes());
        sending.add(ByteBuffer.wrap(change.hash()));
        it.remove();
      }
    }
    return out;
  }

  private void add(ChangeChunk change) {
    ByteBuffer hash = ByteBuffer.wrap(change.hash());
    known.add(hash);
    sinceShared.put(hash, change.deps());
  }

  /**
   * Drops from {@link #sinceShared} every change the server now holds (the heads and their
   * ancestors).
   */
  private void forgetAncestorsOf(List<byte[]> heads) {
    Deque<byte[]> stack = new ArrayDeque<>(heads);
    Set<ByteBuffer> seen = new HashSet<>();
    while (!stack.isEmpty()) {
      ByteBuffer hash = ByteBuffer.wrap(stack.pop());
      if (!seen.add(hash)) {
        continue;
      }
      List<byte[]> deps = sinceShared.remove(hash);
      if (deps != null) {
        deps.forEach(stack::push);
      }
    }
  }

  private static boolean containsHash(ChangeHash[] heads, byte[] hash) {
    for (ChangeHash head : heads) {
      if (Arrays.equals(head.getBytes(), hash)) {
        return true;
      }
    }
    return false;
  }

  static List<byte[]> bytes(ChangeHash[] heads) {
    List<byte[]> out = new ArrayList<>(heads.length);
    for (ChangeHash head : heads) {
      out.add(head.getBytes());
    }
    return out;
  }

  private static boolean sameList(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameSet(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    Set<ByteBuffer> left = new HashSet<>();
    a.forEach(hash -> left.add(ByteBuffer.wrap(hash)));
    for (byte[] hash : b) {
      if (!left.contains(ByteBuffer.wrap(hash))) {
        return false;
      }
    }
    return true;
  }
}
