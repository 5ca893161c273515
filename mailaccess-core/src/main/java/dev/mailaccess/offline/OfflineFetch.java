package dev.mailaccess.offline;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ProgressListener;
import dev.mailaccess.ServerBusyException;
import dev.mailaccess.internal.Sha256;
import dev.mailaccess.store.Maildir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Offline mode: moves mail from a mailbox (POP3, or IMAP folders) into a local {@link Maildir}, then, by policy,
 * deletes it on the server. Never loses a message and never stores one twice, whatever fails:
 * <ul>
 *   <li>each message is written to {@code tmp/}, fsynced and renamed into {@code new/} under a name derived from
 *       its server id (POP3 UIDL; IMAP UIDVALIDITY + UID) before anything is deleted on the server;</li>
 *   <li>a rerun recognises what it already has by those names and by its state file (committed by write-new, fsync,
 *       rename), so it downloads only what is new, even after a crash between the local write and the state commit;
 *       </li>
 *   <li>deletions are committed every {@link Builder#commitEvery(int)} messages: IMAP by UID EXPUNGE of exactly
 *       those messages, POP3 by DELE and ending the session with QUIT (POP3 deletions only take effect then), which
 *       bounds what a dropped connection makes the next attempt download again;</li>
 *   <li>a dropped connection reconnects with exponential backoff and carries on, up to
 *       {@link Builder#maxAttempts(int)} attempts (a timeout too, but only after an attempt that stored messages: a
 *       server that stalls costs one read timeout); a full or unwritable disk stops at once, deleting nothing whose
 *       copy is not durable.</li>
 * </ul>
 */
public final class OfflineFetch {
    private static final Logger LOG = LoggerFactory.getLogger(OfflineFetch.class);

    /** What happens on the server after a message is stored locally. */
    public sealed interface Retention {
        /** Delete after download (the offline default). */
        record Delete() implements Retention {
        }

        /** Leave everything on the server. */
        record Keep() implements Retention {
        }

        /**
         * Leave on the server for a number of days after the first download, then delete (at the first run after
         * that).
         *
         * @param days days to keep a message on the server after it was first stored here; 0 deletes at once
         */
        record KeepDays(int days) implements Retention {
            /**
             * Checks the number of days.
             *
             * @param days days to keep, not negative
             * @throws IllegalArgumentException if {@code days} is negative
             */
            public KeepDays {
                if (days < 0) {
                    throw new IllegalArgumentException("days must not be negative");
                }
            }
        }
    }

    /**
     * The outcome of a run.
     *
     * @param downloaded      messages stored this run
     * @param bytes           bytes stored this run, as the server reported the messages' sizes
     * @param alreadyPresent  messages on the server that were already stored locally
     * @param deletedOnServer messages deleted on the server this run
     * @param reconnects      connections re-established after a failure
     * @param elapsed         wall time
     */
    public record Result(int downloaded, long bytes, int alreadyPresent, int deletedOnServer, int reconnects,
                         Duration elapsed) {
    }

    private final MailboxConfig config;
    private final Function<MailboxConfig, Mailbox> connector;
    private final Maildir maildir;
    private final List<String> folders;
    private final Retention retention;
    private final int commitEvery;
    private final int maxAttempts;
    private final Duration backoff;
    private final ProgressListener listener;
    private final Clock clock;
    private final boolean fsync;
    private final OfflineState state;

    private OfflineFetch(Builder b) {
        this.config = Objects.requireNonNull(b.config, "config");
        this.connector = b.connector;
        this.fsync = b.fsync;
        this.maildir = Maildir.open(Objects.requireNonNull(b.maildir, "maildir"), fsync);
        this.folders = List.copyOf(b.folders);
        this.retention = b.retention;
        this.commitEvery = b.commitEvery;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.listener = b.listener;
        this.clock = b.clock;
        this.state = OfflineState.load(maildir.root().resolve(".mailaccess")
                .resolve("offline-" + Sha256.hex(config.protocol() + "|" + config.host() + "|" + config.user())
                        .substring(0, 16) + ".state"), fsync);
    }

    /**
     * Starts configuring a fetch from one account into one Maildir. The defaults: INBOX, delete after download,
     * commit every 100 messages, 5 attempts, 1 s first backoff, fsync on.
     *
     * @param config  the account to fetch from
     * @param maildir the Maildir to store into; created when the fetch is built
     * @return the builder
     */
    public static Builder builder(MailboxConfig config, Path maildir) {
        return new Builder(config, maildir);
    }

    /**
     * Downloads everything not yet stored, applying the retention policy.
     *
     * @return what the run did
     * @throws ConnectionException   when the server stays unreachable after every attempt (what was stored is kept)
     * @throws Maildir.StoreException when the Maildir cannot be written (nothing undurable was deleted)
     */
    public Result run() {
        long start = System.nanoTime();
        Counters c = new Counters();
        Set<String> stored = new HashSet<>(maildir.keys());
        int attempt = 0;
        while (true) {
            int storedBefore = c.downloaded;
            try {
                runOnce(stored, c);
                return new Result(c.downloaded, c.bytes, c.alreadyPresent, c.deleted, c.reconnects,
                        Duration.ofNanos(System.nanoTime() - start));
            } catch (ConnectionException e) {
                attempt++;
                // a server that timed out without giving a message this attempt would only time out again: one
                // read timeout, not one per attempt
                boolean stalled = e instanceof MailTimeoutException && c.downloaded == storedBefore;
                if (!e.isRetryable() || stalled || attempt >= maxAttempts) {
                    throw gaveUp(e, "offline fetch from " + config.displayUri() + " gave up after " + attempt
                            + " attempt(s); " + c.downloaded + " message(s) stored so far are kept: "
                            + e.getMessage());
                }
                listener.reconnecting(attempt, e);
                c.reconnects++;
                sleep(backoff.multipliedBy(1L << Math.min(attempt - 1, 6)));
            }
        }
    }

    /** The last failure with the run's context, of the same kind, so a caller still catches it by meaning. */
    private static ConnectionException gaveUp(ConnectionException last, String message) {
        if (last instanceof MailTimeoutException) {
            return new MailTimeoutException(message, last);
        }
        if (last instanceof ServerBusyException busy) {
            return new ServerBusyException(busy.responseCode(), message, last);
        }
        return new ConnectionException(message, last.isRetryable(), last);
    }

    private void runOnce(Set<String> stored, Counters c) {
        for (String folderName : folders) {
            boolean folderDone = false;
            while (!folderDone) {
                folderDone = fetchFolder(folderName, stored, c);
            }
        }
    }

    /** One session on one folder; returns false when the session was ended to commit POP3 deletions. */
    private boolean fetchFolder(String folderName, Set<String> stored, Counters c) {
        try (Mailbox mb = connector.apply(config);
             MailFolder folder = mb.folder(folderName, AccessMode.READ_WRITE)) {
            boolean exactExpunge = mb.capabilities().isUsable(Capability.EXPUNGE, false);
            List<MessageSummary> onServer = folder.summaries(FetchSpec.of(FetchSpec.Item.SIZE));
            List<MessageSummary> pending = new ArrayList<>();
            List<MessageRef> toDelete = new ArrayList<>();
            long pendingBytes = 0;
            Instant now = clock.instant();
            for (MessageSummary s : onServer) {
                String key = key(folderName, s.ref());
                if (stored.contains(key) || state.contains(key)) {
                    if (!state.contains(key)) {
                        state.add(key, now);
                    }
                    c.alreadyPresent++;
                    if (shouldDelete(key, now)) {
                        toDelete.add(s.ref());
                    }
                } else {
                    pending.add(s);
                    pendingBytes += Math.max(0, s.size());
                }
            }
            listener.started(folderName, pending.size(), pendingBytes);
            // Downloaded in chunks of commitEvery (batched or pipelined by the adapter); after each chunk the state
            // is committed and the chunk's deletions are sent.
            Map<MessageRef, MessageSummary> byRef = new HashMap<>();
            pending.forEach(s -> byRef.put(s.ref(), s));
            for (int from = 0; from < pending.size(); from += commitEvery) {
                List<MessageRef> chunk = pending.subList(from, Math.min(pending.size(), from + commitEvery)).stream()
                        .map(MessageSummary::ref).toList();
                folder.downloadMessages(chunk, (ref, in) -> {
                    String key = key(folderName, ref);
                    maildir.deliverUnsynced(key, in); // new/ is fsynced once per chunk, before the commit
                    stored.add(key);
                    state.add(key, now);
                    c.downloaded++;
                    c.bytes += Math.max(0, byRef.get(ref).size());
                    listener.progressed(folderName, c.downloaded, c.bytes);
                    if (shouldDelete(key, now)) {
                        toDelete.add(ref);
                    }
                });
                if (from + commitEvery < pending.size()) {
                    maildir.syncDirectories();
                    state.commit();
                    if (!toDelete.isEmpty()) {
                        deleteOnServer(folder, toDelete, exactExpunge, c);
                        if (!exactExpunge) {
                            return false; // QUIT commits POP3 deletions; carry on in a new session
                        }
                    }
                }
            }
            // before anything is recorded or deleted, every file here is durable, also those an interrupted run
            // renamed into new/ without this fsync
            maildir.syncDirectories();
            state.commit();
            if (!toDelete.isEmpty()) {
                Set<MessageRef> deleting = Set.copyOf(toDelete);
                boolean again = pending.isEmpty() && c.deletedLastSession.containsAll(deleting);
                deleteOnServer(folder, toDelete, exactExpunge, c);
                c.deletedLastSession = deleting;
                if (again && !exactExpunge) {
                    // the last session's QUIT went through and the messages are still there: the server does not
                    // delete; asking once more is all that can be done (a new session each time would never end)
                    LOG.warn("{}: {} message(s) deleted in the last session are still there; the server seems "
                            + "not to delete", config.displayUri(), deleting.size());
                    return true;
                }
                // POP3 deletions become final only if QUIT gets through, which close() cannot report: a fresh
                // session checks, and deletes again whatever is still there.
                return exactExpunge;
            }
            return true;
        }
    }

    private void deleteOnServer(MailFolder folder, List<MessageRef> refs, boolean exactExpunge, Counters c) {
        folder.delete(refs);
        if (exactExpunge) {
            folder.expunge(refs);
        }
        c.deleted += refs.size();
        refs.clear();
    }

    private boolean shouldDelete(String key, Instant now) {
        if (retention instanceof Retention.Delete) {
            return true;
        }
        if (retention instanceof Retention.KeepDays k) {
            Instant first = state.firstSeen(key);
            return first != null && !first.plus(Duration.ofDays(k.days())).isAfter(now);
        }
        return false;
    }

    /** The file-name key of a server message: a hash of account, folder and stable id. */
    private String key(String folder, MessageRef ref) {
        return Sha256.hex(config.protocol() + "|" + config.host() + "|" + config.user() + "|" + folder + "|" + ref)
                .substring(0, 32);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailAccessException("interrupted while waiting to reconnect", e);
        }
    }

    private static final class Counters {
        int downloaded;
        long bytes;
        int alreadyPresent;
        int deleted;
        int reconnects;
        /** What the last session asked the server to delete (POP3: made final by its QUIT). */
        Set<MessageRef> deletedLastSession = Set.of();
    }

    /** Configuration of an {@link OfflineFetch}. */
    public static final class Builder {
        private final MailboxConfig config;
        private final Path maildir;
        private Function<MailboxConfig, Mailbox> connector = MailAccess::connect;
        private List<String> folders = List.of("INBOX");
        private Retention retention = new Retention.Delete();
        private int commitEvery = 100;
        private int maxAttempts = 5;
        private Duration backoff = Duration.ofSeconds(1);
        private ProgressListener listener = ProgressListener.NONE;
        private Clock clock = Clock.systemUTC();
        private boolean fsync = true;

        private Builder(MailboxConfig config, Path maildir) {
            this.config = config;
            this.maildir = maildir;
        }

        /**
         * Folders to empty, INBOX by default (POP3 has only INBOX).
         *
         * @param folders full paths of the folders, fetched in this order
         * @return this builder
         * @throws IllegalArgumentException if {@code folders} is empty
         */
        public Builder folders(List<String> folders) {
            if (folders.isEmpty()) {
                throw new IllegalArgumentException("at least one folder");
            }
            this.folders = List.copyOf(folders);
            return this;
        }

        /**
         * What happens on the server after a message is stored here (default {@link Retention.Delete}).
         *
         * @param retention delete, keep, or keep for some days
         * @return this builder
         */
        public Builder retention(Retention retention) {
            this.retention = Objects.requireNonNull(retention);
            return this;
        }

        /**
         * Commit state and server deletions every {@code n} messages (default 100). Smaller means less downloaded
         * again after a dropped connection; over POP3 each commit costs a new session.
         *
         * @param n messages per commit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder commitEvery(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("commitEvery must be at least 1");
            }
            this.commitEvery = n;
            return this;
        }

        /**
         * Connection attempts before giving up (default 5).
         *
         * @param n attempts in all, at least 1; 1 never reconnects
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = n;
            return this;
        }

        /**
         * First wait before reconnecting; doubles on each further attempt, up to 64 times the first (default 1 s).
         *
         * @param d the first wait
         * @return this builder
         */
        public Builder backoff(Duration d) {
            this.backoff = Objects.requireNonNull(d);
            return this;
        }

        /**
         * Who is told of progress (default {@link ProgressListener#NONE}).
         *
         * @param listener called on the fetching thread
         * @return this builder
         */
        public Builder listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * The clock for keep-for-N-days decisions (default the system clock, UTC).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * fsync files and directories (default true). Off only for tests and benchmarks without durability.
         *
         * @param fsync false to skip fsync; a crash may then lose messages already deleted on the server
         * @return this builder
         */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /**
         * How to open a session (default {@link MailAccess#connect}); tests route through a fault proxy here.
         *
         * @param connector opens a logged-in mailbox for a configuration
         * @return this builder
         */
        public Builder connector(Function<MailboxConfig, Mailbox> connector) {
            this.connector = Objects.requireNonNull(connector);
            return this;
        }

        /**
         * The fetch, ready to {@link OfflineFetch#run()}.
         *
         * @return the fetch
         * @throws NullPointerException   if the configuration or the Maildir path is null
         * @throws Maildir.StoreException if the Maildir or the fetch's state file cannot be created or read
         */
        public OfflineFetch build() {
            return new OfflineFetch(this);
        }
    }

    /** Keys downloaded so far with the time each was first stored; committed by write-new, fsync, rename. */
    static final class OfflineState {
        private final Path file;
        private final boolean fsync;
        private final Map<String, Instant> firstSeen = new HashMap<>();
        private boolean dirty;

        private OfflineState(Path file, boolean fsync) {
            this.file = file;
            this.fsync = fsync;
        }

        static OfflineState load(Path file, boolean fsync) {
            OfflineState s = new OfflineState(file, fsync);
            try {
                if (java.nio.file.Files.exists(file)) {
                    for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                        String[] parts = line.split(" ");
                        if (parts.length == 2) {
                            s.firstSeen.put(parts[0], Instant.ofEpochSecond(Long.parseLong(parts[1])));
                        }
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                throw new Maildir.StoreException("cannot read offline state " + file + ": " + e.getMessage(), e);
            }
            return s;
        }

        boolean contains(String key) {
            return firstSeen.containsKey(key);
        }

        Instant firstSeen(String key) {
            return firstSeen.get(key);
        }

        void add(String key, Instant when) {
            if (firstSeen.putIfAbsent(key, when) == null) {
                dirty = true;
            }
        }

        void commit() {
            if (!dirty) {
                return;
            }
            StringBuilder sb = new StringBuilder(firstSeen.size() * 45);
            firstSeen.forEach((k, v) -> sb.append(k).append(' ').append(v.getEpochSecond()).append('\n'));
            Maildir.writeAtomically(file, sb.toString().getBytes(StandardCharsets.US_ASCII), fsync);
            dirty = false;
        }
    }
}
