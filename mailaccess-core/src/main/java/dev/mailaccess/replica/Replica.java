package dev.mailaccess.replica;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;
import dev.mailaccess.store.Maildir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

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
 * <h2>Inside</h2>
 * This class is a facade; each concern has a package-private class of its own: {@link ReplicaLock} (one writer per
 * directory), {@link ReplicaFolders} (the folders and {@code replica.meta}), {@link ReplicaStore} (records and state
 * files), {@link Journal} (append, fsync, replay), {@link MaildirScan} (what other mail clients changed),
 * {@link OfflineChanges} (the offline operations), {@link ReplicaMessages}, {@link ReplicaSearch} and
 * {@link ReplicaThreads} (offline reading, search and threading), {@link HeaderBlocks} (headers of messages kept without their body), {@link ReplicaSync} (one
 * sync) with {@link ImapFolderSync}, {@link PopFolderSync}, {@link OfflineChangePush} and {@link MessageDownload}.
 *
 * <p><b>Threads and processes:</b> methods are synchronised. One {@code Replica} at a time may have a directory
 * open, in this process or any other: {@link #open} takes an operating-system lock on {@code <dir>/lock} and throws
 * {@link ReplicaInUseException} if it is held; {@link #close} releases it, and so does the end of the process.
 */
public final class Replica implements AutoCloseable {
    private static final String POP3_ONLY_HERE = "kept on this machine only; another client will not see them";

    private final ReplicaLock lock;
    private final ReplicaFolders folders;
    private final Journal journal;
    private final MaildirScan scan;
    private final OfflineChanges changes;
    private final ReplicaMessages messages;
    private final ReplicaSearch search;
    private final ReplicaThreads threads;
    private final MessageDownload download;
    private final ReplicaSync sync;

    private Replica(Path root, boolean fsync, ReplicaLock lock) {
        this.lock = lock;
        this.folders = new ReplicaFolders(root, fsync);
        this.journal = new Journal(folders, lock);
        this.scan = new MaildirScan(fsync);
        this.changes = new OfflineChanges(folders, journal);
        this.messages = new ReplicaMessages(folders);
        this.search = new ReplicaSearch(folders, messages);
        this.threads = new ReplicaThreads(folders, messages, search);
        this.download = new MessageDownload(folders);
        this.sync = new ReplicaSync(folders, journal, scan);
    }

    /**
     * Opens (creating if needed) the replica in a directory, replaying its journal and noticing what other mail
     * clients changed in its Maildirs.
     *
     * @param directory the replica directory; created if missing
     * @return the open replica, holding the directory's lock until {@link #close}
     * @throws ReplicaInUseException  if another {@code Replica}, in this process or another, has it open
     * @throws Maildir.StoreException if the directory cannot be created, read or locked
     */
    public static Replica open(Path directory) {
        return open(directory, true);
    }

    /**
     * Like {@link #open(Path)}; {@code fsync=false} trades durability for speed (tests only).
     *
     * @param directory the replica directory; created if missing
     * @param fsync     whether files and directories are fsynced; false loses changes on a crash
     * @return the open replica, holding the directory's lock until {@link #close}
     * @throws ReplicaInUseException  if another {@code Replica}, in this process or another, has it open
     * @throws Maildir.StoreException if the directory cannot be created, read or locked
     */
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

    /**
     * The replica directory.
     *
     * @return the directory as an absolute, normalised path
     */
    public Path root() {
        return folders.root;
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Adds a server folder to mirror (from the next sync on). Adding a folder the replica already mirrors does
     * nothing.
     *
     * @param folder the folder's full path on the server, e.g. {@code INBOX} or {@code Archive/2024}
     * @return this replica
     * @throws IllegalArgumentException if a local-only folder of that name exists
     */
    public synchronized Replica mirror(String folder) {
        folders.add(folder, false);
        return this;
    }

    /**
     * Adds a local-only folder: never synchronised, its messages stay on this machine. Adding one that exists does
     * nothing.
     *
     * @param folder the folder's name
     * @return this replica
     * @throws IllegalArgumentException if a synchronised folder of that name exists
     */
    public synchronized Replica createLocalFolder(String folder) {
        folders.add(folder, true);
        return this;
    }

    /**
     * Download policy: messages larger than this many bytes are recorded with their server data and their whole
     * header block (kept beside the Maildir, under {@code headers/}), so they list, read and search on headers like
     * downloaded ones; their body is fetched on demand and kept ({@link #fetchBody}). 0 (the default) downloads
     * everything whole; 1 keeps headers only. Kept in {@code replica.meta}.
     *
     * @param bytes the largest message downloaded whole, in bytes; 0 for no limit
     * @return this replica
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public synchronized Replica maxMessageSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("size limit must not be negative");
        }
        folders.maxMessageSize = bytes;
        folders.saveMeta();
        return this;
    }

    /**
     * Over POP3: whether a local delete becomes DELE on the server at the next sync (default true). Kept in
     * {@code replica.meta}.
     *
     * @param delete false to keep the server's copy of messages deleted here
     * @return this replica
     */
    public synchronized Replica deleteOnPop3Server(boolean delete) {
        folders.deleteOnPop3Server = delete;
        folders.saveMeta();
        return this;
    }

    /**
     * The replica's folders, synchronised and local-only, in the order they were added.
     *
     * @return the folder names; empty for a new replica
     */
    public synchronized List<String> folders() {
        return folders.all().stream().map(f -> f.name).toList();
    }

    /**
     * Whether a folder is local-only: created with {@link #createLocalFolder}, or a synchronised folder that
     * disappeared from the server.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @return true for a local-only folder, false for a synchronised one
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized boolean isLocalOnly(String folder) {
        return folders.state(folder).local;
    }

    /**
     * The local directory name of a folder name (see the class comment); always a single safe path segment.
     *
     * @param folder a folder name as the server spells it
     * @return the name escaped with {@code %XX}, or a hash for a very long name
     */
    public static String localName(String folder) {
        return ReplicaStore.safeName(folder);
    }

    /**
     * The Maildir directory of a replica folder, for another mail client to read.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @return the directory holding {@code cur/}, {@code new/} and {@code tmp/}
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized Path maildir(String folder) {
        return folders.state(folder).maildir.root();
    }

    /**
     * The protocol of the last sync.
     *
     * @return {@code imap} or {@code pop3}; empty before the first sync
     */
    public synchronized String protocol() {
        return folders.protocol;
    }

    /**
     * The capabilities a caller has through this replica, given the live ones of a session: over POP3, server flags,
     * keywords, folders, copy, move, expunge and search are {@link dev.mailaccess.Support#EMULATED}, kept on this
     * machine only; over IMAP the live set unchanged.
     *
     * @param live the capabilities of a session, e.g. {@link Mailbox#capabilities()}
     * @return what the replica offers on top of them
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

    /**
     * {@link #capabilities(CapabilitySet)} for the protocol of the last sync, from its static capabilities.
     *
     * @return what the replica offers
     * @throws IllegalStateException    if the replica has never been synchronised
     * @throws IllegalArgumentException if no adapter for that protocol is on the class path
     */
    public synchronized CapabilitySet capabilities() {
        if (folders.protocol.isEmpty()) {
            throw new IllegalStateException("the replica has not been synchronised yet; its protocol is unknown");
        }
        return capabilities(MailAccess.capabilitiesOf(folders.protocol));
    }

    // ---------------------------------------------------------------- offline reading

    /**
     * The messages of a folder from local data, server order first (by UID), then local-only ones. No connection.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @return the messages, without those expunged offline
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized List<ReplicaMessage> messages(String folder) {
        return messages.list(folder);
    }

    /**
     * One message by its local id. No connection.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param id     the message's local id ({@link ReplicaMessage#id()})
     * @return the message
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     */
    public synchronized ReplicaMessage message(String folder, String id) {
        return messages.one(folder, id);
    }

    /**
     * Streams a stored message (RFC 5322 bytes). No connection; the caller closes the stream.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param id     the message's local id
     * @return the message's bytes
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     * @throws IllegalStateException if its body was not downloaded (size limit); see {@link #fetchBody}
     */
    public synchronized InputStream openMessage(String folder, String id) {
        return messages.open(folder, id);
    }

    /**
     * Downloads and keeps the body of a message recorded without it (size limit). Needs a connection; does nothing
     * for a message already downloaded.
     *
     * @param mailbox a session with the replica's account
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param id      the message's local id
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     * @throws ConnectionException if the download fails
     */
    public synchronized void fetchBody(Mailbox mailbox, String folder, String id) {
        FolderState fs = folders.state(folder);
        download.fetchBody(mailbox, fs, ReplicaFolders.rec(fs, id));
    }

    /**
     * Searches a folder offline, with IMAP's semantics ({@link SearchableMessage}) on the local files and local
     * flags. Messages kept without their body (size limit) are matched on their kept header block (every header);
     * a query that needs their body throws {@link IllegalStateException} naming the message ({@link #fetchBody} it
     * first).
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param query  what to look for
     * @return local ids of the matching messages, in {@link #messages} order
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized List<String> search(String folder, SearchQuery query) {
        return search.search(folder, query);
    }

    /**
     * Groups a folder's messages into conversations offline, by the RFC 5256 algorithm an IMAP server with THREAD
     * runs ({@link dev.mailaccess.MailFolder#threads}), on the headers of the stored files (the kept header block of
     * a message over the size limit); the received date stands in for a missing Date header. No connection.
     *
     * @param folder    the replica folder's name (the server's folder name, or a local-only folder's)
     * @param algorithm REFERENCES or ORDEREDSUBJECT
     * @param query     which messages, as for {@link #search}; null for all
     * @return the threads of local ids, in the order the algorithm gives
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized List<ReplicaThread> threads(String folder, ThreadAlgorithm algorithm, SearchQuery query) {
        return threads.threads(folder, algorithm, query);
    }

    // ---------------------------------------------------------------- offline changes

    /**
     * Adds flags and keywords to messages, offline; pushed at the next sync.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param ids    local ids of the messages
     * @param flags  flags and keywords to set; others stay as they are
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     */
    public synchronized void addFlags(String folder, Collection<String> ids, Flags flags) {
        changes.addFlags(folder, ids, flags);
    }

    /**
     * Removes flags and keywords from messages, offline; pushed at the next sync.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param ids    local ids of the messages
     * @param flags  flags and keywords to clear; others stay as they are
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     */
    public synchronized void removeFlags(String folder, Collection<String> ids, Flags flags) {
        changes.removeFlags(folder, ids, flags);
    }

    /**
     * Marks messages {@code \Deleted}, offline; they stay until {@link #expunge} or {@link #expungeDeleted}.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param ids    local ids of the messages
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     */
    public synchronized void delete(String folder, Collection<String> ids) {
        addFlags(folder, ids, Flags.of(Flag.DELETED));
    }

    /**
     * Removes exactly these messages, offline; on the next sync they are expunged on the server (over POP3: deleted
     * with DELE, unless {@link #deleteOnPop3Server(boolean)} is off).
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param ids    local ids of the messages
     * @throws IllegalArgumentException if the replica has no such folder, or the folder no such message
     */
    public synchronized void expunge(String folder, Collection<String> ids) {
        changes.expunge(folder, ids);
    }

    /**
     * Removes every message marked {@code \Deleted} in a folder, offline, as {@link #expunge} does.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @return how many messages were removed
     * @throws IllegalArgumentException if the replica has no such folder
     */
    public synchronized int expungeDeleted(String folder) {
        return changes.expungeDeleted(folder);
    }

    /**
     * Moves a message to another replica folder, offline. Into a synchronised folder of the same account the move
     * is done on the server at the next sync; into a local-only folder the message is stored there durably at once
     * and expunged on the server at the next sync.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param id     the message's local id
     * @param target the folder to move it to, another folder of this replica
     * @return the message's id in the target folder
     * @throws IllegalArgumentException if a folder or the message does not exist, or the two folders are the same
     * @throws IllegalStateException    if the message was not downloaded and cannot be moved offline
     */
    public synchronized String move(String folder, String id, String target) {
        return changes.moveOrCopy("MOVE", folder, id, target);
    }

    /**
     * Copies a message to another replica folder, offline; the copy is uploaded at the next sync if the target
     * folder is synchronised (over IMAP).
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param id     the message's local id
     * @param target the folder to copy it to, another folder of this replica
     * @return the copy's id in the target folder
     * @throws IllegalArgumentException if a folder or the message does not exist, or the two folders are the same
     * @throws IllegalStateException    if the message was not downloaded (size limit); {@link #fetchBody} it first
     */
    public synchronized String copy(String folder, String id, String target) {
        return changes.moveOrCopy("COPY", folder, id, target);
    }

    /**
     * Adds a message (e.g. a draft) to a folder, offline; it is uploaded at the next sync. A message without a
     * Message-ID header gets one, so that an upload whose answer was lost is recognised instead of repeated.
     *
     * @param folder the replica folder's name (the server's folder name, or a local-only folder's)
     * @param rfc822 the message's bytes, read to the end; the caller closes the stream
     * @param flags  flags and keywords of the new message; {@link Flags#NONE} for none
     * @return its local id
     * @throws IllegalArgumentException if the replica has no such folder
     * @throws Maildir.StoreException   if the message cannot be read or stored
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

    /**
     * Connects with {@link MailAccess#connect}, syncs and closes the session; see {@link #sync(Mailbox)}.
     *
     * @param config the replica's account
     * @return what the sync did
     * @throws dev.mailaccess.AuthenticationException if the credentials are refused
     * @throws ConnectionException                     on a failed connect, a dropped connection or timeout
     * @throws Maildir.StoreException                  if the replica cannot be written
     */
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
     * @param mailbox a session with the replica's account; left open
     * @return what the sync did
     * @throws ConnectionException    on a dropped connection or timeout
     * @throws Maildir.StoreException if the replica cannot be written
     * @throws IllegalStateException  if the replica was closed
     */
    public synchronized SyncReport sync(Mailbox mailbox) {
        lock.checkOpen();
        return sync.run(mailbox);
    }
}
