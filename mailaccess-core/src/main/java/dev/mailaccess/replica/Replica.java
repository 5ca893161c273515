package dev.mailaccess.replica;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.internal.HeaderText;
import dev.mailaccess.internal.Sha256;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;
import dev.mailaccess.store.Maildir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Disconnected mode: a local replica of chosen folders of one account that can be read and changed with no
 * connection, and made one with the server again by {@link #sync(Mailbox)}.
 *
 * <h2>On disk</h2>
 * Under the replica directory: {@code mail/<local name>/} is a real Maildir per folder (system flags in the file
 * names, {@code :2,DFRST}), {@code state/<local name>.state} the folder's sync state (UIDVALIDITY, highest UID seen,
 * HIGHESTMODSEQ, UIDNEXT, and per message its UID or UIDL, keywords and the flags at the last sync), {@code journal}
 * the append-only, fsynced log of offline changes not yet folded into the state, {@code replica.meta} the settings.
 * State files are committed by write-new, fsync, rename. Local names ({@link #localName}) keep ASCII letters, digits,
 * {@code _} and {@code -} and write every other byte as {@code %XX}, so a server name with {@code ..}, {@code /}, NUL
 * or control characters never leaves the replica directory; very long names become a hash, the real name is kept in
 * the state file.
 *
 * <h2>Offline changes</h2>
 * {@link #addFlags}, {@link #removeFlags}, {@link #delete}, {@link #expunge}, {@link #move}, {@link #copy} and
 * {@link #append} need no connection. Each is first appended to the journal and fsynced, then applied to the Maildir
 * and the in-memory state at once; on {@link #open} the journal is replayed over the last committed state, so a crash
 * loses no acknowledged change. Changes another mail client makes to the Maildirs (renaming a file to change its
 * flags, deleting a file, dropping a new file into {@code new/} or {@code cur/}) are found by comparing with the
 * recorded state when the replica is opened and at each sync, and pushed like the replica's own changes.
 *
 * <h2>Sync</h2>
 * What is still to be pushed lives in the state, not in the journal: a record whose flags differ from the flags at
 * the last sync, a tombstone of a message expunged or moved offline, a message without a server UID. Each is cleared
 * only after the server acknowledged it, so a dropped connection or a crash mid-sync is harmless: the next sync
 * pushes what is left. Flag stores are idempotent; an append or move whose answer was lost is recognised by
 * Message-ID among the server's new messages before anything is sent again (the replica gives an appended message
 * without a Message-ID one).
 * <p>Per folder, first the server's changes are listed, then local changes go up, then the server's changes come
 * down:
 * <ul>
 *   <li>IMAP with CONDSTORE (Dovecot): one STATUS; if UIDVALIDITY, UIDNEXT, MESSAGES and HIGHESTMODSEQ are as at the
 *       last sync and nothing is pending locally, the folder is unchanged and not even selected (a constant number of
 *       commands, whatever its size). Otherwise {@link MailFolder#changesSince} asks for what changed since the
 *       last HIGHESTMODSEQ: with QRESYNC, {@code SELECT ... (QRESYNC (uidvalidity modseq))} answers with the
 *       changed and new messages and the expunged UIDs ({@code VANISHED}), in a constant number of commands; with
 *       CONDSTORE only, {@code CHANGEDSINCE} lists changed and new messages, and expunges are detected by count
 *       (known + new versus MESSAGES) and only then located with one UID SEARCH of the whole folder
 *       ({@link MailFolder#refs()}, cost proportional to the folder).</li>
 *   <li>IMAP without CONDSTORE (GreenMail): a full UID + FLAGS + SIZE scan.</li>
 *   <li>POP3 ("pseudo-online"): the UIDL list. Mail stays on the server; flags, keywords and other folders exist on
 *       this machine only ({@link #capabilities(CapabilitySet)} says so); messages gone from the UIDL list are removed
 *       locally; a local delete becomes DELE on the next sync unless {@link #deleteOnPop3Server(boolean)} is off.
 *       Messages appended or copied into a POP3 replica's INBOX stay local (POP3 cannot upload).</li>
 * </ul>
 *
 * <h2>Conflict rules</h2>
 * <ul>
 *   <li>Flags and keywords merge per flag against the flags at the last sync: a flag changed on one side only takes
 *       that side's value; a flag changed on both sides takes the <b>local</b> value (local wins), because the local
 *       change is the user's latest explicit intent on this machine and is pushed before the server's changes are
 *       pulled, as mbsync does.</li>
 *   <li>Deleted wins over flagged: a message expunged on the server and flagged locally is removed locally; a message
 *       expunged locally and flagged on the server is expunged on the server.</li>
 *   <li>A message moved locally to another synchronised folder and expunged on the server before the sync is not
 *       resurrected: the local copy in the target folder is removed too.</li>
 *   <li>UIDVALIDITY change: every record is re-paired with the server's messages by Message-ID (preferring equal
 *       size); re-paired messages keep their pending local flag changes, which then go up; the rest is downloaded
 *       again. A message that cannot be re-paired and has pending local changes is uploaded again rather than
 *       dropped; one without local changes is removed (the server no longer has it).</li>
 *   <li>Moving a message into a local-only folder ({@link #createLocalFolder}) stores it there durably first; the
 *       server copy is expunged at the next sync.</li>
 *   <li>A synchronised folder that disappears from the server (deleted, or renamed: IMAP cannot tell) becomes a
 *       local-only folder keeping its downloaded messages and flags; it is neither recreated there nor emptied here,
 *       and each sync notes it. Messages moved out of it offline stay in, and are uploaded to, their new folder.</li>
 * </ul>
 *
 * <p><b>Threads and processes:</b> methods are synchronised. One {@code Replica} at a time may have a directory
 * open, in this process or any other: {@link #open} takes an operating-system lock on {@code <dir>/lock} and throws
 * {@link ReplicaInUseException} if it is held; {@link #close} releases it, and so does the end of the process.
 */
public final class Replica implements AutoCloseable {
    /** INTERNALDATE too: a downloaded message's file gets it as its modification time, as Dovecot's Maildir does. */
    private static final FetchSpec SCAN = FetchSpec.of(FetchSpec.Item.FLAGS, FetchSpec.Item.SIZE,
            FetchSpec.Item.INTERNAL_DATE);
    private static final FetchSpec NEW = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.FLAGS,
            FetchSpec.Item.SIZE);
    private static final String POP3_ONLY_HERE = "kept on this machine only; another client will not see them";

    private final Path root;
    private final boolean fsync;
    private final Path journalFile;
    /** Holds the operating-system lock on {@code <root>/lock} while open. */
    private FileChannel lockChannel;
    private final Map<String, FolderState> folders = new LinkedHashMap<>();
    private String protocol = "";
    private long maxMessageSize;
    private boolean deleteOnPop3Server = true;
    private long nextSeq = 1;
    private int journalEntries;
    /** Whether the journal file is known to be empty, so a checkpoint need not rewrite it. */
    private boolean journalEmptyOnDisk;
    /**
     * Parsed messages of recent offline searches, so that a series of searches does not read and parse every file
     * again: keyed by file, its size and mtime and the facts, so a renamed, changed or re-flagged file is a miss.
     * Bounded by the files' bytes (least recently used out; a file larger than an eighth of the budget is not kept).
     */
    private final LinkedHashMap<SearchKey, SearchableMessage> searchCache = new LinkedHashMap<>(256, 0.75f, true);
    private long searchCacheBytes;
    private static final long SEARCH_CACHE_BYTES = 32L << 20;

    private record SearchKey(Path file, long length, long mtime, SearchableMessage.Facts facts) {
    }

    private Replica(Path root, boolean fsync) {
        this.root = root;
        this.fsync = fsync;
        this.journalFile = root.resolve("journal");
    }

    /** Opens (creating if needed) the replica in a directory, replaying its journal. */
    public static Replica open(Path directory) {
        return open(directory, true);
    }

    /** Like {@link #open(Path)}; {@code fsync=false} trades durability for speed (tests only). */
    public static Replica open(Path directory, boolean fsync) {
        Replica r = new Replica(directory.toAbsolutePath().normalize(), fsync);
        r.lock();
        try {
            r.load();
        } catch (RuntimeException e) {
            r.unlock();
            throw e;
        }
        return r;
    }

    /** @throws ReplicaInUseException if another Replica, in this process or another, has the directory open */
    private void lock() {
        try {
            Files.createDirectories(root);
            lockChannel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot open the replica " + root + ": " + e.getMessage(), e);
        }
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // this process already holds it
        } catch (IOException e) {
            unlock();
            throw new Maildir.StoreException("cannot lock the replica " + root + ": " + e.getMessage(), e);
        }
        if (held == null) {
            unlock();
            throw new ReplicaInUseException(root);
        }
    }

    private void unlock() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // the lock ends with the channel in any case
        }
        lockChannel = null;
    }

    private void checkOpen() {
        if (lockChannel == null) {
            throw new IllegalStateException("the replica " + root + " is closed");
        }
    }

    /** The replica directory. */
    public Path root() {
        return root;
    }

    // ---------------------------------------------------------------- configuration

    /** Adds a server folder to mirror (from the next sync on). */
    public synchronized Replica mirror(String folder) {
        addFolder(folder, false);
        return this;
    }

    /** Adds a local-only folder: never synchronised, its messages stay on this machine. */
    public synchronized Replica createLocalFolder(String folder) {
        addFolder(folder, true);
        return this;
    }

    /**
     * Download policy: messages larger than this many bytes are recorded with their server data and their whole
     * header block (kept beside the Maildir, under {@code headers/}), so they list, read and search on headers like
     * downloaded ones; their body is fetched on demand and kept ({@link #fetchBody}). 0 (the default) downloads
     * everything whole; 1 keeps headers only.
     */
    public synchronized Replica maxMessageSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("size limit must not be negative");
        }
        this.maxMessageSize = bytes;
        saveMeta();
        return this;
    }

    /** Over POP3: whether a local delete becomes DELE on the server at the next sync (default true). */
    public synchronized Replica deleteOnPop3Server(boolean delete) {
        this.deleteOnPop3Server = delete;
        saveMeta();
        return this;
    }

    /** The replica's folders, synchronised and local-only, in the order they were added. */
    public synchronized List<String> folders() {
        return folders.values().stream().map(f -> f.name).toList();
    }

    /** True for a local-only folder. */
    public synchronized boolean isLocalOnly(String folder) {
        return state(folder).local;
    }

    /** The local directory name of a folder name (see the class comment); always a single safe path segment. */
    public static String localName(String folder) {
        return ReplicaStore.safeName(folder);
    }

    /** The Maildir directory of a replica folder. */
    public synchronized Path maildir(String folder) {
        return state(folder).maildir.root();
    }

    /** The protocol of the last sync ({@code imap} or {@code pop3}), empty before the first. */
    public synchronized String protocol() {
        return protocol;
    }

    /**
     * The capabilities a caller has through this replica, given the live ones of a session: over POP3, server flags,
     * keywords, folders, copy, move, expunge and search are {@link dev.mailaccess.Support#EMULATED}, kept on this
     * machine only; over IMAP the live set unchanged.
     */
    public static CapabilitySet capabilities(CapabilitySet live) {
        if (!live.protocol().startsWith("pop3")) {
            return live;
        }
        CapabilitySet c = live;
        for (Capability cap : List.of(Capability.SERVER_FLAGS, Capability.CUSTOM_KEYWORDS, Capability.FOLDERS,
                Capability.COPY, Capability.MOVE, Capability.EXPUNGE, Capability.SERVER_SEARCH)) {
            c = c.with(CapabilityInfo.emulated(cap, cap.description() + ": " + POP3_ONLY_HERE));
        }
        return c;
    }

    /** {@link #capabilities(CapabilitySet)} for the protocol of the last sync, from its static capabilities. */
    public synchronized CapabilitySet capabilities() {
        if (protocol.isEmpty()) {
            throw new IllegalStateException("the replica has not been synchronised yet; its protocol is unknown");
        }
        return capabilities(MailAccess.capabilitiesOf(protocol));
    }

    // ---------------------------------------------------------------- offline reading

    /** The messages of a folder from local data, server order first (by UID), then local-only ones. */
    public synchronized List<ReplicaMessage> messages(String folder) {
        FolderState fs = state(folder);
        List<ReplicaMessage> out = new ArrayList<>();
        for (Rec r : live(fs)) {
            out.add(toMessage(fs, r));
        }
        return out;
    }

    private static List<Rec> live(FolderState fs) {
        return fs.recs.values().stream().filter(r -> r.status == Status.LIVE)
                .sorted(Comparator.comparing((Rec r) -> r.uid == 0 && r.uidl == null)
                        .thenComparingLong(r -> r.uid).thenComparing(r -> r.key)).toList();
    }

    /** One message by its local id. */
    public synchronized ReplicaMessage message(String folder, String id) {
        FolderState fs = state(folder);
        return toMessage(fs, rec(fs, id));
    }

    private ReplicaMessage toMessage(FolderState fs, Rec r) {
        Path file = fs.files.get(r.key);
        Path head = file == null ? headFile(fs, r) : null;
        Map<String, String> h = file != null ? StoredHeaders.headers(file)
                : Files.exists(head) ? StoredHeaders.headers(head) : Map.of();
        String subject;
        String from;
        if (file == null && h.isEmpty() && r.envelope != null) {
            // the server's envelope, decoded when it was listed
            String[] e = r.envelope.split("\t", -1);
            subject = e[0];
            from = e.length > 1 ? e[1] : "";
            h = Map.of("date", e.length > 2 ? e[2] : "");
        } else {
            subject = HeaderText.decode(h.getOrDefault("subject", ""));
            from = String.join(", ", HeaderText.addresses(h.getOrDefault("from", "")));
        }
        MessageRef ref = serverRef(fs, r);
        boolean pending = !fs.local && (r.hasLocalFlagChanges() || (!r.onServer() && !"pop3".equals(protocol)));
        return new ReplicaMessage(fs.name, r.key, ref, r.flags, r.size, subject, from, h.getOrDefault("date", ""),
                r.msgId, r.downloaded, pending, modified(file != null ? file : head));
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null; // nothing stored (yet), or renamed by another Maildir client since the scan
        }
    }

    private static MessageRef serverRef(FolderState fs, Rec r) {
        if (!fs.local && r.uid > 0 && fs.uidValidity > 0) {
            return MessageRef.imap(fs.uidValidity, r.uid);
        } else if (!fs.local && r.uidl != null) {
            return MessageRef.pop3(r.uidl);
        }
        return null;
    }

    /**
     * Streams a stored message (RFC 5322 bytes).
     *
     * @throws IllegalStateException if its body was not downloaded (size limit); see {@link #fetchBody}
     */
    public synchronized InputStream openMessage(String folder, String id) {
        FolderState fs = state(folder);
        Rec r = rec(fs, id);
        Path file = fs.files.get(r.key);
        if (!r.downloaded || file == null) {
            throw new IllegalStateException("message " + id + " in " + folder + " is larger than the size limit and "
                    + "was not downloaded; fetch it with fetchBody while connected");
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Downloads and keeps the body of a message recorded without it (size limit). Needs a connection. */
    public synchronized void fetchBody(Mailbox mailbox, String folder, String id) {
        FolderState fs = state(folder);
        Rec r = rec(fs, id);
        if (r.downloaded) {
            return;
        }
        MessageRef ref = r.uidl != null ? MessageRef.pop3(r.uidl) : MessageRef.imap(fs.uidValidity, r.uid);
        try (MailFolder f = mailbox.folder(fs.name, AccessMode.READ_ONLY); InputStream in = f.openMessage(ref)) {
            Path p = existingOrDeliver(fs, r.key, in);
            r.downloaded = true;
            r.envelope = null;
            ReplicaStore.placeFile(fs, r, p, fsync);
            Files.deleteIfExists(headFile(fs, r));
            fs.dirty = true;
            commitStates();
        } catch (IOException e) {
            throw new ConnectionException("download of " + ref + " failed: " + e.getMessage(), true, e);
        }
    }

    /**
     * Searches a folder offline, with IMAP's semantics ({@link SearchableMessage}) on the local files and local
     * flags. Messages kept without their body (size limit) are matched on their kept header block (every header);
     * a query that needs their body throws {@link IllegalStateException} naming the message ({@link #fetchBody} it
     * first).
     *
     * @return local ids of the matching messages, in {@link #messages} order
     */
    public synchronized List<String> search(String folder, SearchQuery query) {
        FolderState fs = state(folder);
        List<String> out = new ArrayList<>();
        for (Rec r : live(fs)) {
            Path file = fs.files.get(r.key);
            // the message view reads the file's headers: only needed for one kept without its body
            ReplicaMessage m = file != null ? null : toMessage(fs, r);
            SearchableMessage sm;
            try {
                Path timed = file != null ? file : Files.exists(headFile(fs, r)) ? headFile(fs, r) : null;
                java.nio.file.attribute.BasicFileAttributes a = timed == null ? null : Files.readAttributes(timed,
                        java.nio.file.attribute.BasicFileAttributes.class);
                // the file's modification time is the server's INTERNALDATE (or when it arrived here)
                SearchableMessage.Facts facts = new SearchableMessage.Facts(serverRef(fs, r), r.flags,
                        a == null ? null : a.lastModifiedTime().toInstant(), r.size, null);
                if (file != null) {
                    SearchKey key = new SearchKey(file, a.size(), a.lastModifiedTime().toMillis(), facts);
                    sm = searchCache.get(key);
                    if (sm == null) {
                        sm = SearchableMessage.of(Files.readAllBytes(file), facts);
                        cacheForSearch(key, sm);
                    }
                } else if (Files.exists(headFile(fs, r))) {
                    sm = SearchableMessage.headersOnly(Files.readAllBytes(headFile(fs, r)), facts);
                } else {
                    String head = "Subject: " + m.subject() + "\r\nFrom: " + m.from() + "\r\nDate: " + m.date()
                            + "\r\nMessage-ID: " + m.messageId() + "\r\n\r\n";
                    sm = SearchableMessage.headersOnly(head.getBytes(StandardCharsets.UTF_8), facts);
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
            }
            try {
                if (sm.matches(query)) {
                    out.add(r.key);
                }
            } catch (IllegalStateException e) {
                throw new IllegalStateException("message " + r.key + " in " + folder + " was kept without its body "
                        + "(size limit); fetch it with fetchBody to search its text: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void cacheForSearch(SearchKey key, SearchableMessage sm) {
        if (key.length() > SEARCH_CACHE_BYTES / 8) {
            return;
        }
        searchCache.put(key, sm);
        searchCacheBytes += key.length();
        var it = searchCache.keySet().iterator();
        while (searchCacheBytes > SEARCH_CACHE_BYTES && it.hasNext()) {
            searchCacheBytes -= it.next().length();
            it.remove();
        }
    }

    // ---------------------------------------------------------------- offline changes

    /** Adds flags and keywords to messages, offline. */
    public synchronized void addFlags(String folder, Collection<String> ids, Flags flags) {
        FolderState fs = state(folder);
        for (String id : ids) {
            Rec r = rec(fs, id);
            log("FLAGS", fs.name, r.key, ReplicaFlags.flagsToken(r.flags.plus(flags)));
        }
    }

    /** Removes flags and keywords from messages, offline. */
    public synchronized void removeFlags(String folder, Collection<String> ids, Flags flags) {
        FolderState fs = state(folder);
        for (String id : ids) {
            Rec r = rec(fs, id);
            log("FLAGS", fs.name, r.key, ReplicaFlags.flagsToken(r.flags.minus(flags)));
        }
    }

    /** Marks messages {@code \Deleted}, offline; they stay until {@link #expunge}. */
    public synchronized void delete(String folder, Collection<String> ids) {
        addFlags(folder, ids, Flags.of(Flag.DELETED));
    }

    /** Removes exactly these messages, offline; on the next sync they are expunged on the server. */
    public synchronized void expunge(String folder, Collection<String> ids) {
        FolderState fs = state(folder);
        for (String id : ids) {
            log("EXPUNGE", fs.name, rec(fs, id).key);
        }
    }

    /** Removes every message marked {@code \Deleted} in a folder, offline. */
    public synchronized int expungeDeleted(String folder) {
        FolderState fs = state(folder);
        List<String> ids = fs.recs.values().stream()
                .filter(r -> r.status == Status.LIVE && r.flags.contains(Flag.DELETED)).map(r -> r.key).toList();
        expunge(folder, ids);
        return ids.size();
    }

    /**
     * Moves a message to another replica folder, offline. Into a synchronised folder of the same account the move
     * is done on the server at the next sync; into a local-only folder the message is stored there durably at once
     * and expunged on the server at the next sync.
     *
     * @return the message's id in the target folder
     * @throws IllegalStateException if the message was not downloaded and cannot be moved offline
     */
    public synchronized String move(String folder, String id, String target) {
        return moveOrCopy("MOVE", folder, id, target);
    }

    /**
     * Copies a message to another replica folder, offline; the copy is uploaded at the next sync.
     *
     * @return the copy's id
     */
    public synchronized String copy(String folder, String id, String target) {
        return moveOrCopy("COPY", folder, id, target);
    }

    private String moveOrCopy(String op, String folder, String id, String target) {
        FolderState src = state(folder);
        FolderState dst = state(target);
        Rec r = rec(src, id);
        if (src == dst) {
            throw new IllegalArgumentException("source and target folder are the same: " + folder);
        }
        // into a synchronised folder: moved on the server; a body not downloaded yet into a local-only folder: fetched
        // at the next sync, expunged on the server only after the local copy is durable
        boolean serverMove = op.equals("MOVE") && !src.local && r.uid > 0 && !"pop3".equals(protocol)
                && (!dst.local || !r.downloaded);
        if (!r.downloaded && !serverMove) {
            throw new IllegalStateException("message " + id + " was not downloaded (size limit): fetch its body "
                    + "with fetchBody before you " + op.toLowerCase(Locale.ROOT) + " it to " + target);
        }
        String newKey = newKey();
        log(op, src.name, r.key, dst.name, newKey, ReplicaFlags.flagsToken(r.flags), r.msgId,
                Long.toString(r.size), r.downloaded ? "1" : "0", serverMove ? "1" : "0", r.envelope);
        return newKey;
    }

    /**
     * Adds a message (e.g. a draft) to a folder, offline; it is uploaded at the next sync. A message without a
     * Message-ID header gets one, so that an upload whose answer was lost is recognised instead of repeated.
     *
     * @return its id
     */
    public synchronized String append(String folder, InputStream rfc822, Flags flags) {
        FolderState fs = state(folder);
        String key = newKey();
        try {
            byte[] head = rfc822.readNBytes(64 * 1024);
            InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), rfc822);
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            if (!hasMessageId(headText)) {
                String crlf = headText.contains("\r\n") ? "\r\n" : "\n";
                byte[] id = ("Message-ID: <" + UUID.randomUUID() + "@replica.mailaccess>" + crlf)
                        .getBytes(StandardCharsets.US_ASCII);
                all = new SequenceInputStream(new ByteArrayInputStream(id), all);
            }
            fs.maildir.deliver(key, all);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read the message to append: " + e.getMessage(), e);
        }
        log("APPEND", fs.name, key, ReplicaFlags.flagsToken(flags));
        return key;
    }

    private static boolean hasMessageId(String head) {
        for (String line : head.split("\r?\n")) {
            if (line.isEmpty()) {
                return false;
            }
            if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                return true;
            }
        }
        return false;
    }

    private static String newKey() {
        return "L" + UUID.randomUUID().toString().replace("-", "");
    }

    // ---------------------------------------------------------------- journal

    /** Appends an entry to the journal (fsynced), then applies it. */
    private void log(String op, String... args) {
        checkOpen();
        long seq = nextSeq++;
        String line = encodeLine(op, seq, args);
        try (FileChannel ch = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            if (fsync) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot write the replica journal " + journalFile + ": "
                    + e.getMessage(), e);
        }
        apply(seq, op, args);
        if (++journalEntries >= 256) {
            checkpoint();
        }
    }

    private static String encodeLine(String op, long seq, String[] args) {
        StringBuilder sb = new StringBuilder().append(seq).append(' ').append(op);
        for (String a : args) {
            sb.append(' ').append(ReplicaStore.enc(a));
        }
        return sb.append('\n').toString();
    }

    /** Applies a journal entry to the folders that have not applied it yet. Idempotent per folder. */
    private void apply(long seq, String op, String[] a) {
        switch (op) {
            case "FLAGS" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                Rec r = fs.recs.get(a[1]);
                if (r != null && r.status == Status.LIVE) {
                    r.flags = ReplicaFlags.parseFlags(a[2]);
                    Path file = fs.files.get(r.key);
                    if (file != null) {
                        ReplicaStore.placeFile(fs, r, file, fsync);
                    }
                }
                touched(fs, seq);
            }
            case "EXPUNGE" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                Rec r = fs.recs.get(a[1]);
                if (r != null && r.status == Status.LIVE) {
                    removeFile(fs, r);
                    tombstone(fs, r, Status.EXPUNGE, null);
                }
                touched(fs, seq);
            }
            case "APPEND" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                if (!fs.recs.containsKey(a[1])) {
                    Path file = fs.maildir.find(a[1]);
                    if (file != null) {
                        Rec r = new Rec();
                        r.key = a[1];
                        r.flags = ReplicaFlags.parseFlags(a[2]);
                        r.msgId = StoredHeaders.headers(file).getOrDefault("message-id", "");
                        fs.recs.put(r.key, r);
                        ReplicaStore.placeFile(fs, r, file, fsync);
                    }
                }
                touched(fs, seq);
            }
            case "MOVE", "COPY" -> {
                FolderState src = folders.get(a[0]);
                FolderState dst = folders.get(a[2]);
                boolean serverMove = a[8].equals("1");
                if (dst != null && dst.applied < seq) {
                    if (!dst.recs.containsKey(a[3])) {
                        Rec r = new Rec();
                        r.key = a[3];
                        r.flags = ReplicaFlags.parseFlags(a[4]);
                        r.msgId = a[5];
                        r.size = Long.parseLong(a[6]);
                        r.downloaded = a[7].equals("1");
                        r.envelope = a.length > 9 ? a[9] : null;
                        if (serverMove) {
                            r.link = a[0] + "\n" + a[1];
                        }
                        Path file = dst.maildir.find(r.key);
                        Path from = src == null ? null : src.files.get(a[1]);
                        if (file == null && from != null && r.downloaded) {
                            try (InputStream in = Files.newInputStream(from)) {
                                file = dst.maildir.deliver(r.key, in);
                                Files.setLastModifiedTime(file, Files.getLastModifiedTime(from)); // its received date
                            } catch (IOException e) {
                                throw new Maildir.StoreException("cannot copy " + from + ": " + e.getMessage(), e);
                            }
                        }
                        if (file == null && r.downloaded) {
                            // the source is gone and nothing was copied: nothing to record
                            touched(dst, seq);
                            return;
                        }
                        dst.recs.put(r.key, r);
                        if (file != null) {
                            ReplicaStore.placeFile(dst, r, file, fsync);
                        }
                    }
                    touched(dst, seq);
                }
                if (op.equals("MOVE") && src != null && src.applied < seq) {
                    Rec r = src.recs.get(a[1]);
                    if (r != null && r.status == Status.LIVE) {
                        removeFile(src, r);
                        tombstone(src, r, serverMove ? Status.MOVED : Status.EXPUNGE,
                                serverMove ? a[2] + "\n" + a[3] : null);
                    }
                    touched(src, seq);
                }
            }
            default -> throw new Maildir.StoreException("unknown replica journal entry " + op, null);
        }
    }

    private static void touched(FolderState fs, long seq) {
        fs.applied = seq;
        fs.dirty = true;
    }

    /** Turns a record into a tombstone, or drops it if the server never had it. */
    private static void tombstone(FolderState fs, Rec r, Status status, String link) {
        if (fs.local || (!r.onServer() && !r.pushed && !r.repair && !r.sent)) {
            fs.recs.remove(r.key);
            return;
        }
        r.status = status;
        r.link = link;
    }

    private void removeFile(FolderState fs, Rec r) {
        try {
            Files.deleteIfExists(headFile(fs, r));
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot delete the headers of " + r.key + ": " + e.getMessage(), e);
        }
        Path file = fs.files.remove(r.key);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
                if (fsync) {
                    fsyncDir(file.getParent());
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot delete " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Commits every changed folder state, then empties the journal. */
    private void checkpoint() {
        commitStates();
        if (journalEntries > 0 || !journalEmptyOnDisk) {
            Maildir.writeAtomically(journalFile, new byte[0], fsync);
            journalEmptyOnDisk = true;
        }
        journalEntries = 0;
    }

    private void commitStates() {
        for (FolderState fs : folders.values()) {
            if (fs.dirty) {
                ReplicaStore.save(fs, fsync);
            }
        }
    }

    /** Commits the state and empties the journal. */
    @Override
    public synchronized void close() {
        if (lockChannel == null) {
            return;
        }
        try {
            checkpoint();
        } finally {
            unlock();
        }
    }

    // ---------------------------------------------------------------- loading

    private void load() {
        try {
            Files.createDirectories(root.resolve("state"));
            Files.createDirectories(root.resolve("mail"));
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot create replica " + root + ": " + e.getMessage(), e);
        }
        Path meta = root.resolve("replica.meta");
        List<String[]> folderLines = new ArrayList<>();
        if (Files.exists(meta)) {
            try {
                for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                    String[] p = line.split(" ");
                    switch (p[0]) {
                        case "protocol" -> protocol = ReplicaStore.dec(p[1]);
                        case "maxsize" -> maxMessageSize = Long.parseLong(p[1]);
                        case "popdelete" -> deleteOnPop3Server = p[1].equals("1");
                        case "folder" -> folderLines.add(p);
                        default -> {
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new Maildir.StoreException("cannot read " + meta + ": " + e.getMessage(), null);
            }
        }
        for (String[] p : folderLines) {
            FolderState fs = newState(ReplicaStore.dec(p[1]), !p[2].equals("sync"));
            fs.detached = p[2].equals("detached");
            ReplicaStore.load(fs);
            folders.put(fs.name, fs);
        }
        replayJournal();
        for (FolderState fs : folders.values()) {
            scan(fs);
        }
        checkpoint();
    }

    private FolderState newState(String name, boolean local) {
        FolderState fs = new FolderState();
        fs.name = name;
        fs.local = local;
        fs.safe = ReplicaStore.safeName(name);
        Path dir = root.resolve("mail").resolve(fs.safe).normalize();
        if (!dir.getParent().equals(root.resolve("mail"))) {
            throw new IllegalArgumentException("folder name maps outside the replica: " + name);
        }
        fs.maildir = Maildir.open(dir, fsync);
        fs.stateFile = root.resolve("state").resolve(fs.safe + ".state");
        return fs;
    }

    private void addFolder(String name, boolean local) {
        Objects.requireNonNull(name, "folder");
        FolderState existing = folders.get(name);
        if (existing != null) {
            if (existing.detached && !local) {
                return; // gone from the server earlier and kept here; sync() says so each time
            }
            if (existing.local != local) {
                throw new IllegalArgumentException("folder " + name + " already exists as a "
                        + (existing.local ? "local-only" : "synchronised") + " folder");
            }
            return;
        }
        for (FolderState fs : folders.values()) {
            if (fs.safe.equals(ReplicaStore.safeName(name))) {
                throw new IllegalArgumentException("folder " + name + " has the same local name as " + fs.name);
            }
        }
        FolderState fs = newState(name, local);
        fs.dirty = true;
        folders.put(name, fs);
        ReplicaStore.save(fs, fsync);
        saveMeta();
    }

    private void saveMeta() {
        StringBuilder sb = new StringBuilder("mailaccess-replica 1\n");
        sb.append("protocol ").append(ReplicaStore.enc(protocol)).append('\n');
        sb.append("maxsize ").append(maxMessageSize).append('\n');
        sb.append("popdelete ").append(deleteOnPop3Server ? 1 : 0).append('\n');
        for (FolderState fs : folders.values()) {
            sb.append("folder ").append(ReplicaStore.enc(fs.name)).append(' ').append(fs.detached ? "detached" : fs.local ? "local" : "sync")
                    .append('\n');
        }
        Maildir.writeAtomically(root.resolve("replica.meta"), sb.toString().getBytes(StandardCharsets.UTF_8), fsync);
    }

    private void replayJournal() {
        String text;
        try {
            text = Files.readString(journalFile, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read " + journalFile + ": " + e.getMessage(), e);
        }
        journalEmptyOnDisk = text.isEmpty();
        long maxApplied = folders.values().stream().mapToLong(f -> f.applied).max().orElse(0);
        nextSeq = maxApplied + 1;
        String[] lines = text.split("\n", -1);
        if (lines.length > 1) {
            // entries to apply: they find the messages' files through the folders' file index
            for (FolderState fs : folders.values()) {
                locateFiles(fs);
            }
        }
        // the part after the last newline is a torn write: that change was never acknowledged to the caller
        for (int i = 0; i < lines.length - 1; i++) {
            String[] p = lines[i].split(" ");
            if (p.length < 3 || !p[0].matches("[0-9]+")) {
                continue;
            }
            long seq = Long.parseLong(p[0]);
            String[] args = new String[p.length - 2];
            for (int j = 2; j < p.length; j++) {
                args[j - 2] = ReplicaStore.dec(p[j]);
            }
            apply(seq, p[1], args);
            nextSeq = Math.max(nextSeq, seq + 1);
        }
    }

    /** Fills a folder's file index: from its records if the Maildir is unchanged since the last scan, else listed. */
    private static void locateFiles(FolderState fs) {
        if (unchangedSinceScan(fs, dirMtimes(fs))) {
            expectFiles(fs);
        } else {
            fs.files.clear();
            for (Path p : fs.maildir.messages()) {
                String key = ReplicaStore.keyOf(p);
                if (key != null) {
                    fs.files.put(key, p);
                }
            }
            fs.filesKnown = true;
        }
    }

    /** No file added, removed or renamed since the last scan: every file is where the state says. */
    private static void expectFiles(FolderState fs) {
        fs.files.clear();
        for (Rec r : fs.recs.values()) {
            if (r.status == Status.LIVE && r.downloaded) {
                fs.files.put(r.key, ReplicaStore.expectedFile(fs, r));
            }
        }
        fs.filesKnown = true;
    }

    private static boolean unchangedSinceScan(FolderState fs, long[] mtimes) {
        return fs.newMtime != -1 && mtimes[0] == fs.newMtime && mtimes[1] == fs.curMtime;
    }

    /** Modification times of new/ and cur/ in nanoseconds, -1 where unreadable. */
    private static long[] dirMtimes(FolderState fs) {
        long[] out = new long[2];
        String[] subs = {"new", "cur"};
        for (int i = 0; i < 2; i++) {
            try {
                out[i] = Files.getLastModifiedTime(fs.maildir.root().resolve(subs[i]))
                        .to(java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                out[i] = -1;
            }
        }
        return out;
    }

    /**
     * Whether directory times read after {@code readAtMillis} will move with any later change, so that equal times
     * next time mean nothing changed: not if they are so recent that a change in the same clock tick would leave
     * them as they are. File systems with sub-second times (ext4, XFS, Btrfs, tmpfs, APFS, NTFS) take them from a
     * clock that ticks every 10 ms at most, so 100 ms is a wide margin; those with whole seconds (ext3, HFS+, FAT)
     * get 2 s.
     */
    static boolean settled(long[] mtimes, long readAtMillis) {
        if (mtimes[0] < 0 || mtimes[1] < 0) {
            return false;
        }
        boolean subSecond = mtimes[0] % 1_000_000_000L != 0 || mtimes[1] % 1_000_000_000L != 0;
        long limit = readAtMillis * 1_000_000L - (subSecond ? 100_000_000L : 2_000_000_000L);
        return mtimes[0] < limit && mtimes[1] < limit;
    }

    /**
     * Compares a folder's Maildir with the recorded state: adopts files another client dropped in, takes flags from
     * renamed files, turns deleted files into expunges. Skipped when new/ and cur/ have the times they had at the
     * last scan and those had settled then ({@link #settled}): nothing was added, removed or renamed since.
     */
    private void scan(FolderState fs) {
        long readAt = System.currentTimeMillis(); // before the times: see settled()
        long[] before = dirMtimes(fs);
        if (unchangedSinceScan(fs, before)) {
            if (!fs.filesKnown) {
                expectFiles(fs);
            }
            return;
        }
        boolean settled = settled(before, readAt);
        long newMtime = settled ? before[0] : -1;
        long curMtime = settled ? before[1] : -1;
        if (newMtime != fs.newMtime || curMtime != fs.curMtime) {
            fs.newMtime = newMtime;
            fs.curMtime = curMtime;
            fs.dirty = true;
        }
        fs.files.clear();
        for (String sub : List.of("new", "cur")) {
            Path dir = fs.maildir.root().resolve(sub);
            try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path p : files) {
                    scanFile(fs, p, sub.equals("cur"));
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        fs.filesKnown = true;
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.status == Status.LIVE && r.downloaded && !fs.files.containsKey(r.key)) {
                tombstone(fs, r, Status.EXPUNGE, null);
                fs.dirty = true;
            }
        }
    }

    /** One file of a scan (see {@link #scan}). */
    private void scanFile(FolderState fs, Path p, boolean inCur) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return; // Maildir readers skip dot files
        }
        String key = ReplicaStore.keyOf(name);
        if (key == null || !Maildir.isKey(key)) {
            // a file another client delivered: adopt it under our naming
            Rec r = new Rec();
            r.key = newKey();
            r.flags = Maildir.flagsOf(p);
            r.msgId = StoredHeaders.headers(p).getOrDefault("message-id", "");
            fs.recs.put(r.key, r);
            ReplicaStore.placeFile(fs, r, p, fsync);
            fs.dirty = true;
            return;
        }
        Rec r = fs.recs.get(key);
        if (r != null && r.status == Status.LIVE && r.downloaded && inCur && r.size >= 0
                && name.equals(ReplicaStore.fileName(r))) {
            fs.files.put(key, p); // as this replica left it: the usual case, no parsing
            return;
        }
        if (r == null || r.status != Status.LIVE) {
            if (r != null) {
                // a tombstone's file came back (crash between journal and delete): delete it again
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new Maildir.StoreException("cannot delete " + p + ": " + e.getMessage(), e);
                }
                return;
            }
            r = new Rec();
            r.key = key;
            r.flags = Maildir.flagsOf(p);
            r.msgId = StoredHeaders.headers(p).getOrDefault("message-id", "");
            fs.recs.put(key, r);
            fs.dirty = true;
        } else {
            Flags fromName = ReplicaFlags.withSystemOf(r.flags, p);
            if (!fromName.equals(r.flags)) {
                r.flags = fromName;
                fs.dirty = true;
            }
            if (!r.downloaded) {
                r.downloaded = true;
                fs.dirty = true;
            }
        }
        ReplicaStore.placeFile(fs, r, p, fsync);
    }

    // ---------------------------------------------------------------- sync

    /** Connects with {@link MailAccess#connect}, syncs and closes the session. */
    public SyncReport sync(MailboxConfig config) {
        try (Mailbox mb = MailAccess.connect(config)) {
            return sync(mb);
        }
    }

    /**
     * Pushes local changes and pulls the server's, for every synchronised folder (see the class comment). On a
     * dropped connection it throws, keeping everything acknowledged so far; call it again on a new session. Over
     * POP3, close the session cleanly afterwards: DELE becomes final at QUIT.
     *
     * @throws ConnectionException    on a dropped connection or timeout
     * @throws Maildir.StoreException if the replica cannot be written
     */
    public synchronized SyncReport sync(Mailbox mailbox) {
        checkOpen();
        long start = System.nanoTime();
        Counts c = new Counts();
        String proto = mailbox.capabilities().protocol().startsWith("pop3") ? "pop3" : "imap";
        if (!proto.equals(protocol)) {
            protocol = proto;
            saveMeta();
        }
        checkpoint();
        Map<String, Set<Long>> gone = new HashMap<>();
        for (FolderState fs : folders.values()) {
            scan(fs);
            if (fs.detached) {
                c.notes.add(fs.name + ": no longer on the server; kept on this machine as a local-only folder");
            }
            if (fs.local) {
                continue;
            }
            if (proto.equals("pop3")) {
                if (!fs.name.equalsIgnoreCase("INBOX")) {
                    c.notes.add(fs.name + ": POP3 has only INBOX; the folder stays local");
                    continue;
                }
                syncPop3(mailbox, fs, c);
            } else {
                try {
                    syncImap(mailbox, fs, c, gone);
                } catch (FolderNotFoundException e) {
                    if (fs.uidValidity == 0) {
                        throw e;
                    }
                    detach(fs, c);
                }
            }
            if (fs.dirty) {
                ReplicaStore.save(fs, fsync);
            }
        }
        if (proto.equals("imap")) {
            pushMoves(mailbox, c, gone);
            // uploads and moves the server did not number (no UIDPLUS): pair them by Message-ID now
            for (FolderState fs : folders.values()) {
                if (!fs.local && fs.recs.values().stream().anyMatch(r -> r.pushed)) {
                    syncImap(mailbox, fs, c, new HashMap<>());
                    ReplicaStore.save(fs, fsync);
                }
            }
        }
        checkpoint();
        return new SyncReport(c.flagsPushed, c.expunged, c.appended, c.moved, c.downloaded, c.headersOnly,
                c.flagsPulled, c.removed, c.repaired, c.fullScans, c.unchanged, c.notes,
                Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * A synchronised folder that vanished from the server (deleted, or renamed: IMAP cannot tell) becomes a
     * local-only folder: its downloaded messages and their flags stay on this machine, nothing is recreated or
     * uploaded there, and nothing is lost. Messages moved out of it offline stay where they were moved to and are
     * uploaded there. Messages whose body was never downloaded cannot be kept.
     */
    private void detach(FolderState fs, Counts c) {
        int kept = 0;
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.status == Status.MOVED && r.link != null) {
                String[] link = r.link.split("\n", 2);
                FolderState dst = folders.get(link[0]);
                Rec d = dst == null ? null : dst.recs.get(link[1]);
                if (d != null) {
                    d.link = null; // now an ordinary new message of the target folder
                    dst.dirty = true;
                    ReplicaStore.save(dst, fsync);
                }
                fs.recs.remove(r.key);
            } else if (r.status != Status.LIVE) {
                fs.recs.remove(r.key);
            } else if (!r.downloaded) {
                removeFile(fs, r);
                fs.recs.remove(r.key);
                c.removed++;
            } else {
                r.uid = 0;
                r.pushed = false;
                r.sent = false;
                r.repair = false;
                r.base = r.flags;
                kept++;
            }
        }
        fs.local = true;
        fs.detached = true;
        fs.uidValidity = 0;
        fs.modSeq = 0;
        fs.uidNext = 0;
        fs.highestUid = 0;
        fs.dirty = true;
        saveMeta();
        c.notes.add(fs.name + ": gone from the server (deleted or renamed there); its " + kept
                + " downloaded message(s) are kept on this machine as a local-only folder");
    }

    private static final class Counts {
        int flagsPushed;
        int expunged;
        int appended;
        int moved;
        int downloaded;
        int headersOnly;
        int flagsPulled;
        int removed;
        int repaired;
        int fullScans;
        int unchanged;
        final List<String> notes = new ArrayList<>();
    }

    private static boolean pendingWork(FolderState fs) {
        for (Rec r : fs.recs.values()) {
            if (r.status != Status.LIVE || r.uid == 0 || r.hasLocalFlagChanges() || r.base == null) {
                return true;
            }
        }
        return false;
    }

    private void syncImap(Mailbox mb, FolderState fs, Counts c, Map<String, Set<Long>> gone) {
        boolean quick = mb.capabilities().isUsable(Capability.QUICK_RESYNC, false);
        long knownCount = fs.recs.values().stream().filter(r -> r.uid > 0).count();
        if (quick && fs.modSeq > 0 && !pendingWork(fs)) {
            FolderStatus s = mb.status(fs.name);
            if (s.uidValidity() == fs.uidValidity && s.highestModSeq() == fs.modSeq && s.uidNext() == fs.uidNext
                    && s.messages() == knownCount) {
                c.unchanged++;
                return;
            }
        }
        if (fs.uidValidity == 0) {
            try {
                mb.status(fs.name);
            } catch (FolderNotFoundException e) {
                mb.createFolder(fs.name); // first sync of a folder made offline
                c.notes.add(fs.name + ": created on the server");
            }
        }
        try (MailFolder f = mb.folder(fs.name, AccessMode.READ_WRITE)) {
            FolderStatus s = f.status();
            if (fs.uidValidity != 0 && s.uidValidity() != fs.uidValidity) {
                c.notes.add(fs.name + ": UIDVALIDITY changed from " + fs.uidValidity + " to " + s.uidValidity()
                        + "; re-pairing by Message-ID");
                for (Rec r : fs.recs.values()) {
                    if (r.uid > 0) {
                        r.uid = 0;
                        r.repair = true;
                    }
                }
                fs.highestUid = 0;
                fs.modSeq = 0;
                knownCount = 0;
            }
            long uv = s.uidValidity();
            // 1. What the server has: flags of changed or all messages, new messages, which known UIDs are gone.
            Map<Long, Flags> serverFlags = new HashMap<>();
            Map<Long, MessageSummary> fresh = new LinkedHashMap<>();
            final Set<Long> present;
            Set<Long> known = new HashSet<>();
            fs.recs.values().forEach(r -> {
                if (r.uid > 0) {
                    known.add(r.uid);
                }
            });
            if (quick && fs.modSeq > 0 && s.highestModSeq() > 0) {
                FolderChanges changes = f.changesSince(uv, fs.modSeq, SCAN);
                for (MessageSummary m : changes.changed()) {
                    serverFlags.put(m.ref().uid(), m.flags());
                    if (!known.contains(m.ref().uid())) {
                        fresh.put(m.ref().uid(), m);
                    }
                }
                present = new HashSet<>(known);
                changes.vanished().forEach(ref -> present.remove(ref.uid()));
                present.addAll(fresh.keySet());
                // Without QRESYNC, or if the count disagrees (a message arrived or left while we looked), find
                // the expunges with one UID SEARCH of the whole folder.
                if (!changes.vanishedKnown() && s.messages() != knownCount + fresh.size()
                        || changes.vanishedKnown() && s.messages() != present.size()) {
                    present.clear();
                    f.refs().forEach(r -> present.add(r.uid()));
                }
            } else {
                c.fullScans++;
                present = new HashSet<>();
                for (MessageSummary m : f.summaries(SCAN)) {
                    present.add(m.ref().uid());
                    serverFlags.put(m.ref().uid(), m.flags());
                    if (!known.contains(m.ref().uid())) {
                        fresh.put(m.ref().uid(), m);
                    }
                }
            }
            // 2. Pair local records without a UID (offline appends and moves, answers lost, UIDVALIDITY change).
            List<Rec> unpaired = fs.recs.values().stream().filter(r -> r.uid == 0).toList();
            if (!unpaired.isEmpty() && !fresh.isEmpty()) {
                List<MessageRef> refs = fresh.keySet().stream().map(u -> MessageRef.imap(uv, u)).toList();
                Map<String, List<MessageSummary>> byId = new HashMap<>();
                for (MessageSummary m : f.summaries(refs, NEW)) {
                    String id = m.envelope() == null ? "" : m.envelope().messageId();
                    if (!id.isEmpty()) {
                        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
                    }
                }
                for (Rec r : unpaired) {
                    List<MessageSummary> cands = byId.get(r.msgId);
                    if (r.msgId.isEmpty() || cands == null || cands.isEmpty()) {
                        continue;
                    }
                    MessageSummary m = cands.stream().filter(x -> x.size() == r.size).findFirst()
                            .orElse(cands.get(0));
                    cands.remove(m);
                    fresh.remove(m.ref().uid());
                    r.uid = m.ref().uid();
                    r.pushed = false;
                    r.sent = false;
                    if (r.repair) {
                        c.repaired++;
                        r.repair = false;
                    }
                    if (r.base == null) {
                        r.base = m.flags();
                    }
                    fs.dirty = true;
                }
            }
            for (Rec r : List.copyOf(fs.recs.values())) {
                if (r.uid != 0) {
                    continue;
                }
                if (r.repair) {
                    r.repair = false;
                    if (r.status == Status.LIVE && r.hasLocalFlagChanges() && r.downloaded) {
                        r.base = null; // upload again below: never silently drop local changes
                        c.notes.add(fs.name + ": message " + r.key + " not found after the UIDVALIDITY change; "
                                + "uploading it again because it has local changes");
                    } else {
                        removeFile(fs, r);
                        fs.recs.remove(r.key);
                        c.removed++;
                    }
                } else if (r.pushed) {
                    // uploaded earlier, and no longer among the server's new messages: expunged there since
                    removeFile(fs, r);
                    fs.recs.remove(r.key);
                    c.removed++;
                } else if (r.status != Status.LIVE) {
                    fs.recs.remove(r.key);
                } else if (r.link != null && !tombstoneExists(r.link)) {
                    // moved in offline; its source was expunged on the server: not resurrected
                    removeFile(fs, r);
                    fs.recs.remove(r.key);
                    c.removed++;
                }
            }
            // 3. Push: expunges, flags, uploads.
            List<MessageRef> toExpunge = new ArrayList<>();
            for (Rec r : fs.recs.values()) {
                if (r.status == Status.EXPUNGE && r.uid > 0 && present.contains(r.uid)) {
                    toExpunge.add(MessageRef.imap(uv, r.uid));
                }
            }
            if (!toExpunge.isEmpty()) {
                if (mb.capabilities().isUsable(Capability.EXPUNGE, false)) {
                    f.expunge(toExpunge);
                } else {
                    f.delete(toExpunge);
                    c.notes.add(fs.name + ": the server cannot expunge single messages; " + toExpunge.size()
                            + " marked \\Deleted only");
                }
                c.expunged += toExpunge.size();
                toExpunge.forEach(ref -> present.remove(ref.uid()));
            }
            fs.recs.values().removeIf(r -> r.status == Status.EXPUNGE && (r.uid == 0 || !present.contains(r.uid)));
            Map<Flags, List<MessageRef>> adds = new HashMap<>();
            Map<Flags, List<MessageRef>> removes = new HashMap<>();
            List<Rec> changed = new ArrayList<>();
            for (Rec r : fs.recs.values()) {
                if (r.status == Status.LIVE && r.uid > 0 && present.contains(r.uid) && r.hasLocalFlagChanges()) {
                    Flags add = r.flags.minus(r.base);
                    Flags rem = r.base.minus(r.flags);
                    if (!add.isEmpty()) {
                        adds.computeIfAbsent(add, k -> new ArrayList<>()).add(MessageRef.imap(uv, r.uid));
                    }
                    if (!rem.isEmpty()) {
                        removes.computeIfAbsent(rem, k -> new ArrayList<>()).add(MessageRef.imap(uv, r.uid));
                    }
                    changed.add(r);
                }
            }
            adds.forEach((flags, refs) -> f.addFlags(refs, flags));
            removes.forEach((flags, refs) -> f.removeFlags(refs, flags));
            for (Rec r : changed) {
                Flags server = serverFlags.getOrDefault(r.uid, r.base);
                Flags merged = ReplicaFlags.merge(r.base, r.flags, server);
                if (!merged.equals(r.flags)) {
                    c.notes.add(fs.name + ": " + r.key + " merged flags with the server's");
                }
                setSynced(fs, r, merged);
                serverFlags.remove(r.uid);
                c.flagsPushed++;
            }
            for (Rec r : List.copyOf(fs.recs.values())) {
                if (r.status == Status.LIVE && r.uid == 0 && !r.pushed && r.link == null && r.downloaded) {
                    Path file = fs.files.get(r.key);
                    if (file == null) {
                        continue;
                    }
                    java.util.Optional<MessageRef> ref;
                    if (!r.sent) {
                        r.sent = true; // durable before the APPEND: its answer may be lost with the connection
                        ReplicaStore.save(fs, fsync);
                    }
                    try (InputStream in = Files.newInputStream(file)) {
                        // the file's time is its received date here: the server keeps it as INTERNALDATE
                        ref = f.append(in, r.flags, Files.getLastModifiedTime(file).toInstant());
                    } catch (IOException e) {
                        throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
                    }
                    if (ref.isPresent() && ref.get().uidValidity() == uv) {
                        r.uid = ref.get().uid();
                        present.add(r.uid);
                    } else {
                        r.pushed = true;
                    }
                    r.sent = false;
                    r.base = r.flags;
                    c.appended++;
                    ReplicaStore.save(fs, fsync);
                }
            }
            // 4. Pull: expunged on the server, flag changes, new messages.
            for (Rec r : List.copyOf(fs.recs.values())) {
                if (r.uid > 0 && !present.contains(r.uid)) {
                    if (r.status == Status.LIVE) {
                        removeFile(fs, r);
                        fs.recs.remove(r.key);
                        c.removed++;
                    } else if (r.status == Status.MOVED) {
                        gone.computeIfAbsent(fs.name, k -> new HashSet<>()).add(r.uid);
                    }
                }
            }
            for (Map.Entry<Long, Flags> e : serverFlags.entrySet()) {
                Rec r = fs.byUid(e.getKey());
                if (r == null || r.status != Status.LIVE || fresh.containsKey(e.getKey())) {
                    continue;
                }
                Flags merged = ReplicaFlags.merge(r.base, r.flags, e.getValue());
                if (!merged.equals(r.flags)) {
                    c.flagsPulled++;
                }
                setSynced(fs, r, merged);
            }
            Map<Long, String> bigIds = new HashMap<>();
            Map<String, String> bigEnvelopes = new HashMap<>();
            if (maxMessageSize > 0) {
                List<MessageRef> big = fresh.values().stream().filter(m -> m.size() > maxMessageSize)
                        .map(MessageSummary::ref).toList();
                if (!big.isEmpty()) {
                    for (MessageSummary m : f.summaries(big, NEW)) { // one batched FETCH for all of them
                        bigIds.put(m.ref().uid(), m.envelope() == null ? "" : m.envelope().messageId());
                        bigEnvelopes.put(m.ref().toString(), envelopeText(m));
                    }
                    Map<MessageRef, Instant> received = new HashMap<>();
                    fresh.values().forEach(m -> {
                        if (m.internalDate() != null) {
                            received.put(m.ref(), m.internalDate());
                        }
                    });
                    keepHeaderBlocks(fs, f, big, ref -> "u" + uv + "_" + ref.uid(), received);
                }
            }
            Map<MessageRef, Rec> wanted = new LinkedHashMap<>();
            for (MessageSummary m : fresh.values()) {
                if (maxMessageSize > 0 && m.size() > maxMessageSize) {
                    Rec r = newRec(uv, m);
                    r.downloaded = false;
                    r.msgId = bigIds.getOrDefault(r.uid, "");
                    r.envelope = bigEnvelopes.get(m.ref().toString());
                    fs.recs.put(r.key, r);
                    fs.highestUid = Math.max(fs.highestUid, r.uid);
                    c.headersOnly++;
                } else {
                    wanted.put(m.ref(), newRec(uv, m));
                }
            }
            download(fs, f, wanted, ref -> fresh.get(ref.uid()).internalDate(), c);
            fs.uidValidity = uv;
            fs.uidNext = s.uidNext();
            fs.modSeq = Math.max(0, s.highestModSeq());
            for (Rec r : fs.recs.values()) {
                fs.highestUid = Math.max(fs.highestUid, r.uid);
            }
            fs.dirty = true;
        }
    }

    /**
     * Keeps the whole header block of messages recorded without their body, beside the Maildir (a Maildir holds
     * whole messages only), so that they read and search like downloaded ones. Fetched in batches of 500 (IMAP: one
     * FETCH each). A cache of server data: written without fsync; a missing block falls back to the envelope.
     */
    private void keepHeaderBlocks(FolderState fs, MailFolder f, List<MessageRef> refs,
                                  java.util.function.Function<MessageRef, String> keyOf,
                                  Map<MessageRef, Instant> receivedDates) {
        Path dir = headDir(fs);
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < refs.size(); i += 500) {
                for (Map.Entry<MessageRef, byte[]> e : f.headerBlocks(refs.subList(i, Math.min(refs.size(), i + 500)))
                        .entrySet()) {
                    Path head = dir.resolve(keyOf.apply(e.getKey()));
                    Files.write(head, e.getValue());
                    Instant received = receivedDates.get(e.getKey());
                    if (received != null) {
                        Files.setLastModifiedTime(head, java.nio.file.attribute.FileTime.from(received));
                    }
                }
            }
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot keep headers in " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path headDir(FolderState fs) {
        return root.resolve("headers").resolve(fs.safe);
    }

    private Path headFile(FolderState fs, Rec r) {
        return headDir(fs).resolve(r.key);
    }

    /**
     * Downloads new messages into a folder's Maildir, batched or pipelined by the adapter
     * ({@link MailFolder#downloadMessages}). Each file goes straight into cur/ under its final name and is fsynced;
     * the directory is fsynced once before each state save, so the state never names a message that is not durable.
     * The state is saved after 500 messages, then each time the folder has doubled: each save rewrites the whole
     * state file, so saving every 500 would make a large download quadratic; what a crash leaves unsaved is found
     * again by {@link #scan} and not downloaded twice.
     */
    private void download(FolderState fs, MailFolder f, Map<MessageRef, Rec> wanted,
                          java.util.function.Function<MessageRef, Instant> receivedDate, Counts c) {
        int[] sinceCommit = {0};
        HeadCapture head = new HeadCapture();
        f.downloadMessages(wanted.keySet(), (ref, in) -> {
            Rec r = wanted.get(ref);
            Path existing = fs.files.get(r.key); // delivered before a crash, adopted by scan()
            if (existing != null) {
                r.msgId = StoredHeaders.headers(existing).getOrDefault("message-id", "");
                fs.recs.put(r.key, r);
                ReplicaStore.placeFile(fs, r, existing, false);
            } else {
                Path p = fs.maildir.deliverUnsynced(r.key, head.of(in), ":2," + ReplicaFlags.letters(r.flags),
                        receivedDate.apply(ref));
                r.msgId = head.header("message-id");
                String name = p.getFileName().toString(); // <key>.mailaccess,S=<size>:2,<flags>
                r.size = Long.parseLong(name, name.indexOf(",S=") + 3, name.indexOf(":2,"), 10);
                fs.recs.put(r.key, r);
                fs.files.put(r.key, p); // delivered under the name placeFile would give it
            }
            c.downloaded++;
            fs.highestUid = Math.max(fs.highestUid, r.uid);
            if (++sinceCommit[0] >= Math.max(500, fs.recs.size() / 2)) {
                sinceCommit[0] = 0;
                fs.maildir.syncDirectories();
                ReplicaStore.save(fs, fsync);
            }
        });
        fs.maildir.syncDirectories();
    }

    private static Rec newRec(long uidValidity, MessageSummary m) {
        Rec r = new Rec();
        r.uid = m.ref().uid();
        r.key = "u" + uidValidity + "_" + r.uid;
        r.flags = m.flags() == null ? Flags.NONE : m.flags();
        r.base = r.flags;
        r.size = m.size();
        return r;
    }

    private static String envelopeText(MessageSummary m) {
        if (m.envelope() == null) {
            return null;
        }
        String from = String.join(", ", m.envelope().from().stream().map(Object::toString).toList());
        String date = m.envelope().date() == null ? "" : m.envelope().date().toString();
        return (m.envelope().subject() + "\t" + from + "\t" + date).replace('\n', ' ');
    }

    private boolean tombstoneExists(String link) {
        String[] p = link.split("\n", 2);
        FolderState src = folders.get(p[0]);
        Rec t = src == null ? null : src.recs.get(p[1]);
        return t != null && t.status == Status.MOVED;
    }

    private void setSynced(FolderState fs, Rec r, Flags merged) {
        boolean rename = !merged.system().equals(r.flags.system());
        r.flags = merged;
        r.base = merged;
        Path file = fs.files.get(r.key);
        if (rename && file != null) {
            ReplicaStore.placeFile(fs, r, file, fsync);
        }
        fs.dirty = true;
    }

    private Path existingOrDeliver(FolderState fs, String key, InputStream in) {
        Path existing = fs.files.get(key); // scan() indexed every file; no listing per message
        return existing != null ? existing : fs.maildir.deliver(key, in);
    }

    /** Offline moves between synchronised folders, after every folder's pairing. */
    private void pushMoves(Mailbox mb, Counts c, Map<String, Set<Long>> gone) {
        for (FolderState src : folders.values()) {
            if (src.local) {
                continue;
            }
            List<Rec> moved = src.recs.values().stream().filter(r -> r.status == Status.MOVED).toList();
            if (moved.isEmpty()) {
                continue;
            }
            Set<Long> srcGone = gone.getOrDefault(src.name, Set.of());
            for (Rec t : moved) {
                String[] link = t.link.split("\n", 2);
                FolderState dst = folders.get(link[0]);
                Rec d = dst == null ? null : dst.recs.get(link[1]);
                if (d == null || d.status != Status.LIVE) {
                    t.status = Status.EXPUNGE; // moved, then removed locally: expunge at the next sync
                    t.link = null;
                    src.dirty = true;
                } else if (d.uid > 0) {
                    src.recs.remove(t.key); // the move got through before (answer lost) and was re-paired
                    d.link = null;
                    dst.dirty = true;
                    src.dirty = true;
                } else if (t.uid == 0 || srcGone.contains(t.uid)) {
                    // expunged on the server before the move went up: not resurrected
                    removeFile(dst, d);
                    dst.recs.remove(d.key);
                    src.recs.remove(t.key);
                    c.removed++;
                    c.notes.add(src.name + ": a message moved offline to " + dst.name
                            + " was expunged on the server meanwhile; not resurrected");
                    dst.dirty = true;
                    src.dirty = true;
                } else if (dst.local) {
                    // into a local-only folder: download first, expunge on the server once the copy is durable
                    MessageRef ref = MessageRef.imap(src.uidValidity, t.uid);
                    try (MailFolder f = mb.folder(src.name, AccessMode.READ_WRITE)) {
                        if (!d.downloaded) {
                            try (InputStream in = f.openMessage(ref)) {
                                Path p = existingOrDeliver(dst, d.key, in);
                                d.downloaded = true;
                                d.envelope = null;
                                ReplicaStore.placeFile(dst, d, p, fsync);
                            } catch (IOException e) {
                                throw new ConnectionException("download of " + ref + " failed: " + e.getMessage(),
                                        true, e);
                            }
                            d.link = null;
                            ReplicaStore.save(dst, fsync);
                            c.downloaded++;
                        }
                        if (mb.capabilities().isUsable(Capability.EXPUNGE, false)) {
                            f.expunge(List.of(ref));
                        } else {
                            f.delete(List.of(ref));
                        }
                        c.expunged++;
                        src.recs.remove(t.key);
                        ReplicaStore.save(src, fsync);
                    } catch (MessageGoneException e) {
                        removeFile(dst, d);
                        dst.recs.remove(d.key);
                        src.recs.remove(t.key);
                        c.notes.add(src.name + ": a message moved offline to " + dst.name + " was gone from the "
                                + "server before its body could be downloaded");
                        dst.dirty = true;
                        src.dirty = true;
                    }
                } else {
                    try (MailFolder f = mb.folder(src.name, AccessMode.READ_WRITE)) {
                        MessageRef ref = MessageRef.imap(src.uidValidity, t.uid);
                        Map<MessageRef, MessageRef> map = f.move(List.of(ref), dst.name);
                        MessageRef n = map.get(ref);
                        if (n != null && n.uidValidity() == dst.uidValidity) {
                            d.uid = n.uid();
                        } else {
                            d.pushed = true;
                        }
                        d.base = t.base == null ? d.flags : t.base;
                        d.link = null;
                        src.recs.remove(t.key);
                        c.moved++;
                    } catch (MessageGoneException e) {
                        continue; // seen gone at the next sync
                    }
                    dst.dirty = true;
                    src.dirty = true;
                    ReplicaStore.save(dst, fsync);
                    ReplicaStore.save(src, fsync);
                }
            }
        }
    }

    private void syncPop3(Mailbox mb, FolderState fs, Counts c) {
        try (MailFolder f = mb.inbox()) {
            c.fullScans++;
            Map<String, MessageSummary> server = new LinkedHashMap<>();
            for (MessageSummary m : f.summaries(FetchSpec.of(FetchSpec.Item.SIZE))) {
                server.put(m.ref().uidl(), m);
            }
            Map<String, Rec> byUidl = new HashMap<>();
            for (Rec r : fs.recs.values()) {
                if (r.uidl != null) {
                    byUidl.put(r.uidl, r);
                }
                if (r.base == null || r.hasLocalFlagChanges()) {
                    r.base = r.flags; // flags live on this machine only
                    fs.dirty = true;
                }
            }
            List<MessageRef> dele = new ArrayList<>();
            for (Rec r : List.copyOf(fs.recs.values())) {
                if (r.uidl == null) {
                    continue;
                }
                if (!server.containsKey(r.uidl)) {
                    if (r.status == Status.LIVE) {
                        removeFile(fs, r);
                        c.removed++;
                    }
                    fs.recs.remove(r.key);
                } else if (r.status != Status.LIVE) {
                    if (deleteOnPop3Server) {
                        dele.add(MessageRef.pop3(r.uidl));
                    } // else: deleted here only; the tombstone keeps it from coming down again
                }
            }
            if (!dele.isEmpty()) {
                f.delete(dele); // final at QUIT; the tombstones go when the UIDL list no longer has them
                c.expunged += dele.size();
            }
            Map<String, MessageSummary> bigEnvelopes = new HashMap<>();
            if (maxMessageSize > 0) {
                List<MessageRef> big = server.values().stream().filter(m -> m.size() > maxMessageSize
                        && !byUidl.containsKey(m.ref().uidl())).map(MessageSummary::ref).toList();
                if (!big.isEmpty()) {
                    for (MessageSummary m : f.summaries(big, FetchSpec.of(FetchSpec.Item.ENVELOPE,
                            FetchSpec.Item.SIZE))) {
                        bigEnvelopes.put(m.ref().uidl(), m);
                    }
                    keepHeaderBlocks(fs, f, big, ref -> "p" + Sha256.hex(ref.uidl()).substring(0, 32), Map.of());
                }
            }
            Map<MessageRef, Rec> wanted = new LinkedHashMap<>();
            for (MessageSummary m : server.values()) {
                if (byUidl.containsKey(m.ref().uidl())) {
                    continue;
                }
                Rec r = new Rec();
                r.uidl = m.ref().uidl();
                r.key = "p" + Sha256.hex(r.uidl).substring(0, 32);
                r.flags = Flags.NONE;
                r.base = Flags.NONE;
                r.size = m.size();
                if (maxMessageSize > 0 && m.size() > maxMessageSize) {
                    r.downloaded = false;
                    MessageSummary env = bigEnvelopes.get(r.uidl);
                    if (env != null && env.envelope() != null) {
                        r.msgId = env.envelope().messageId();
                        r.envelope = envelopeText(env);
                    }
                    fs.recs.put(r.key, r);
                    c.headersOnly++;
                    continue;
                }
                wanted.put(m.ref(), r);
            }
            download(fs, f, wanted, ref -> null, c); // POP3 has no received date
            fs.dirty = true;
        }
    }

    // ---------------------------------------------------------------- helpers

    private FolderState state(String folder) {
        FolderState fs = folders.get(Objects.requireNonNull(folder, "folder"));
        if (fs == null) {
            throw new IllegalArgumentException("no folder '" + folder + "' in the replica " + root
                    + " (folders: " + folders.keySet() + ")");
        }
        return fs;
    }

    private static Rec rec(FolderState fs, String id) {
        Rec r = fs.recs.get(id);
        if (r == null || r.status != Status.LIVE) {
            throw new IllegalArgumentException("no message '" + id + "' in replica folder " + fs.name);
        }
        return r;
    }

    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

}
