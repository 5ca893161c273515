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
import dev.mailaccess.internal.Sha256;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private final ReplicaLock lock;
    private final ReplicaFolders folders;
    private final Journal journal;
    private final MaildirScan scan;
    private final OfflineChanges changes;
    private final ReplicaMessages messages;
    private final ReplicaSearch search;
    private final boolean fsync;

    private Replica(Path root, boolean fsync, ReplicaLock lock) {
        this.root = root;
        this.lock = lock;
        this.folders = new ReplicaFolders(root, fsync);
        this.journal = new Journal(folders, lock);
        this.scan = new MaildirScan(fsync);
        this.changes = new OfflineChanges(folders, journal);
        this.messages = new ReplicaMessages(folders);
        this.search = new ReplicaSearch(folders, messages);
        this.fsync = fsync;
    }

    /** Opens (creating if needed) the replica in a directory, replaying its journal. */
    public static Replica open(Path directory) {
        return open(directory, true);
    }

    /** Like {@link #open(Path)}; {@code fsync=false} trades durability for speed (tests only). */
    public static Replica open(Path directory, boolean fsync) {
        Path root = directory.toAbsolutePath().normalize();
        ReplicaLock lock = ReplicaLock.take(root);
        try {
            Replica r = new Replica(root, fsync, lock);
            r.load();
            return r;
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }
    }

    /** The committed state, then the journal's changes over it, then what other mail clients did meanwhile. */
    private void load() {
        folders.load();
        journal.replay();
        for (FolderState fs : folders.all()) {
            scan.scan(fs);
        }
        journal.checkpoint();
    }

    /** The replica directory. */
    public Path root() {
        return root;
    }

    // ---------------------------------------------------------------- configuration

    /** Adds a server folder to mirror (from the next sync on). */
    public synchronized Replica mirror(String folder) {
        folders.add(folder, false);
        return this;
    }

    /** Adds a local-only folder: never synchronised, its messages stay on this machine. */
    public synchronized Replica createLocalFolder(String folder) {
        folders.add(folder, true);
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
        folders.maxMessageSize = bytes;
        folders.saveMeta();
        return this;
    }

    /** Over POP3: whether a local delete becomes DELE on the server at the next sync (default true). */
    public synchronized Replica deleteOnPop3Server(boolean delete) {
        folders.deleteOnPop3Server = delete;
        folders.saveMeta();
        return this;
    }

    /** The replica's folders, synchronised and local-only, in the order they were added. */
    public synchronized List<String> folders() {
        return folders.all().stream().map(f -> f.name).toList();
    }

    /** True for a local-only folder. */
    public synchronized boolean isLocalOnly(String folder) {
        return folders.state(folder).local;
    }

    /** The local directory name of a folder name (see the class comment); always a single safe path segment. */
    public static String localName(String folder) {
        return ReplicaStore.safeName(folder);
    }

    /** The Maildir directory of a replica folder. */
    public synchronized Path maildir(String folder) {
        return folders.state(folder).maildir.root();
    }

    /** The protocol of the last sync ({@code imap} or {@code pop3}), empty before the first. */
    public synchronized String protocol() {
        return folders.protocol;
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
        if (folders.protocol.isEmpty()) {
            throw new IllegalStateException("the replica has not been synchronised yet; its protocol is unknown");
        }
        return capabilities(MailAccess.capabilitiesOf(folders.protocol));
    }

    // ---------------------------------------------------------------- offline reading

    /** The messages of a folder from local data, server order first (by UID), then local-only ones. */
    public synchronized List<ReplicaMessage> messages(String folder) {
        return messages.list(folder);
    }

    /** One message by its local id. */
    public synchronized ReplicaMessage message(String folder, String id) {
        return messages.one(folder, id);
    }

    /**
     * Streams a stored message (RFC 5322 bytes).
     *
     * @throws IllegalStateException if its body was not downloaded (size limit); see {@link #fetchBody}
     */
    public synchronized InputStream openMessage(String folder, String id) {
        return messages.open(folder, id);
    }

    /** Downloads and keeps the body of a message recorded without it (size limit). Needs a connection. */
    public synchronized void fetchBody(Mailbox mailbox, String folder, String id) {
        FolderState fs = folders.state(folder);
        Rec r = ReplicaFolders.rec(fs, id);
        if (r.downloaded) {
            return;
        }
        MessageRef ref = r.uidl != null ? MessageRef.pop3(r.uidl) : MessageRef.imap(fs.uidValidity, r.uid);
        try (MailFolder f = mailbox.folder(fs.name, AccessMode.READ_ONLY); InputStream in = f.openMessage(ref)) {
            Path p = existingOrDeliver(fs, r.key, in);
            r.downloaded = true;
            r.envelope = null;
            ReplicaStore.placeFile(fs, r, p, fsync);
            Files.deleteIfExists(folders.headerBlocks.file(fs, r));
            fs.dirty = true;
            folders.commitStates();
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
        return search.search(folder, query);
    }

    // ---------------------------------------------------------------- offline changes

    /** Adds flags and keywords to messages, offline. */
    public synchronized void addFlags(String folder, Collection<String> ids, Flags flags) {
        changes.addFlags(folder, ids, flags);
    }

    /** Removes flags and keywords from messages, offline. */
    public synchronized void removeFlags(String folder, Collection<String> ids, Flags flags) {
        changes.removeFlags(folder, ids, flags);
    }

    /** Marks messages {@code \Deleted}, offline; they stay until {@link #expunge}. */
    public synchronized void delete(String folder, Collection<String> ids) {
        addFlags(folder, ids, Flags.of(Flag.DELETED));
    }

    /** Removes exactly these messages, offline; on the next sync they are expunged on the server. */
    public synchronized void expunge(String folder, Collection<String> ids) {
        changes.expunge(folder, ids);
    }

    /** Removes every message marked {@code \Deleted} in a folder, offline. */
    public synchronized int expungeDeleted(String folder) {
        return changes.expungeDeleted(folder);
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
        return changes.moveOrCopy("MOVE", folder, id, target);
    }

    /**
     * Copies a message to another replica folder, offline; the copy is uploaded at the next sync.
     *
     * @return the copy's id
     */
    public synchronized String copy(String folder, String id, String target) {
        return changes.moveOrCopy("COPY", folder, id, target);
    }

    /**
     * Adds a message (e.g. a draft) to a folder, offline; it is uploaded at the next sync. A message without a
     * Message-ID header gets one, so that an upload whose answer was lost is recognised instead of repeated.
     *
     * @return its id
     */
    public synchronized String append(String folder, InputStream rfc822, Flags flags) {
        return changes.append(folder, rfc822, flags);
    }

    /** Commits the state and empties the journal. */
    @Override
    public synchronized void close() {
        if (!lock.held()) {
            return;
        }
        try {
            journal.checkpoint();
        } finally {
            lock.release();
        }
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
        lock.checkOpen();
        long start = System.nanoTime();
        Counts c = new Counts();
        String proto = mailbox.capabilities().protocol().startsWith("pop3") ? "pop3" : "imap";
        if (!proto.equals(folders.protocol)) {
            folders.protocol = proto;
            folders.saveMeta();
        }
        journal.checkpoint();
        Map<String, Set<Long>> gone = new HashMap<>();
        for (FolderState fs : folders.all()) {
            scan.scan(fs);
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
            for (FolderState fs : folders.all()) {
                if (!fs.local && fs.recs.values().stream().anyMatch(r -> r.pushed)) {
                    syncImap(mailbox, fs, c, new HashMap<>());
                    ReplicaStore.save(fs, fsync);
                }
            }
        }
        journal.checkpoint();
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
                folders.removeFile(fs, r);
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
        folders.saveMeta();
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
                        folders.removeFile(fs, r);
                        fs.recs.remove(r.key);
                        c.removed++;
                    }
                } else if (r.pushed) {
                    // uploaded earlier, and no longer among the server's new messages: expunged there since
                    folders.removeFile(fs, r);
                    fs.recs.remove(r.key);
                    c.removed++;
                } else if (r.status != Status.LIVE) {
                    fs.recs.remove(r.key);
                } else if (r.link != null && !tombstoneExists(r.link)) {
                    // moved in offline; its source was expunged on the server: not resurrected
                    folders.removeFile(fs, r);
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
                        folders.removeFile(fs, r);
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
            if (folders.maxMessageSize > 0) {
                List<MessageRef> big = fresh.values().stream().filter(m -> m.size() > folders.maxMessageSize)
                        .map(MessageSummary::ref).toList();
                if (!big.isEmpty()) {
                    for (MessageSummary m : f.summaries(big, NEW)) { // one batched FETCH for all of them
                        bigIds.put(m.ref().uid(), m.envelope() == null ? "" : m.envelope().messageId());
                        bigEnvelopes.put(m.ref().toString(), HeaderBlocks.envelopeText(m));
                    }
                    Map<MessageRef, Instant> received = new HashMap<>();
                    fresh.values().forEach(m -> {
                        if (m.internalDate() != null) {
                            received.put(m.ref(), m.internalDate());
                        }
                    });
                    folders.headerBlocks.keep(fs, f, big, ref -> "u" + uv + "_" + ref.uid(), received);
                }
            }
            Map<MessageRef, Rec> wanted = new LinkedHashMap<>();
            for (MessageSummary m : fresh.values()) {
                if (folders.maxMessageSize > 0 && m.size() > folders.maxMessageSize) {
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
     * Downloads new messages into a folder's Maildir, batched or pipelined by the adapter
     * ({@link MailFolder#downloadMessages}). Each file goes straight into cur/ under its final name and is fsynced;
     * the directory is fsynced once before each state save, so the state never names a message that is not durable.
     * The state is saved after 500 messages, then each time the folder has doubled: each save rewrites the whole
     * state file, so saving every 500 would make a large download quadratic; what a crash leaves unsaved is found
     * again by {@link MaildirScan#scan} and not downloaded twice.
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
        for (FolderState src : folders.all()) {
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
                    folders.removeFile(dst, d);
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
                        folders.removeFile(dst, d);
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
                        folders.removeFile(fs, r);
                        c.removed++;
                    }
                    fs.recs.remove(r.key);
                } else if (r.status != Status.LIVE) {
                    if (folders.deleteOnPop3Server) {
                        dele.add(MessageRef.pop3(r.uidl));
                    } // else: deleted here only; the tombstone keeps it from coming down again
                }
            }
            if (!dele.isEmpty()) {
                f.delete(dele); // final at QUIT; the tombstones go when the UIDL list no longer has them
                c.expunged += dele.size();
            }
            Map<String, MessageSummary> bigEnvelopes = new HashMap<>();
            if (folders.maxMessageSize > 0) {
                List<MessageRef> big = server.values().stream().filter(m -> m.size() > folders.maxMessageSize
                        && !byUidl.containsKey(m.ref().uidl())).map(MessageSummary::ref).toList();
                if (!big.isEmpty()) {
                    for (MessageSummary m : f.summaries(big, FetchSpec.of(FetchSpec.Item.ENVELOPE,
                            FetchSpec.Item.SIZE))) {
                        bigEnvelopes.put(m.ref().uidl(), m);
                    }
                    folders.headerBlocks.keep(fs, f, big, ref -> "p" + Sha256.hex(ref.uidl()).substring(0, 32), Map.of());
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
                if (folders.maxMessageSize > 0 && m.size() > folders.maxMessageSize) {
                    r.downloaded = false;
                    MessageSummary env = bigEnvelopes.get(r.uidl);
                    if (env != null && env.envelope() != null) {
                        r.msgId = env.envelope().messageId();
                        r.envelope = HeaderBlocks.envelopeText(env);
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
}
