package dev.mailaccess.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.Capability;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.Watch;
import dev.mailaccess.WatchEvent;
import dev.mailaccess.WatchListener;
import dev.mailaccess.WatchOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The engine behind {@link dev.mailaccess.Mailbox#watch}: a session of its own and a daemon thread that waits (IDLE
 * on the first folder where the server has it, else the poll interval), then compares each folder's messages and
 * flags with the last state seen and reports the differences. Comparing states rather than relaying the server's
 * untagged responses is what makes a reconnect lose nothing: the first comparison after it reports whatever
 * changed while the connection was down.
 */
public final class FolderWatcher implements Watch {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);
    /** RFC 2177: a server may end an IDLE after 30 minutes; re-armed well before. */
    private static final Duration LONGEST_IDLE = Duration.ofMinutes(25);
    private static final Duration LONGEST_BACKOFF = Duration.ofMinutes(1);
    private static final FetchSpec FLAGS = FetchSpec.of(FetchSpec.Item.FLAGS);

    private final MailboxConfig config;
    private final List<String> folders;
    private final WatchListener listener;
    private final WatchOptions options;
    private final boolean pop3;
    private final Map<String, Map<MessageRef, Flags>> known = new HashMap<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closed;
    /** The IMAP session and its open folders; null while disconnected and always over POP3. */
    private volatile Mailbox session;
    private final Map<String, MailFolder> open = new LinkedHashMap<>();

    private FolderWatcher(MailboxConfig config, List<String> folders, WatchListener listener, WatchOptions options,
                          boolean pop3) {
        this.config = config;
        this.folders = folders;
        this.listener = listener;
        this.options = options;
        this.pop3 = pop3;
        this.thread = new Thread(this::loop, "mailaccess-watch-" + config.user());
        thread.setDaemon(true);
    }

    /**
     * Reads the folders' state now, then watches them on a thread of its own.
     *
     * @param config   the mailbox's configuration (a session of the watch's own is made from it)
     * @param folders  the folders' paths
     * @param listener told of each change
     * @param options  poll interval and reconnects
     * @param pop3     whether the protocol is POP3 (a new session per poll)
     * @return the running watch
     */
    public static Watch start(MailboxConfig config, List<String> folders, WatchListener listener,
                              WatchOptions options, boolean pop3) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(options, "options");
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("no folder to watch");
        }
        FolderWatcher w = new FolderWatcher(config, List.copyOf(folders), listener, options, pop3);
        try {
            w.poll(false); // the starting state; a missing folder or bad credentials fail here, in the caller
        } catch (RuntimeException e) {
            w.disconnect();
            throw e;
        }
        w.thread.start();
        return w;
    }

    private void loop() {
        int failures = 0;
        try {
            while (!closed) {
                try {
                    await();
                    if (closed) {
                        break;
                    }
                    poll(true);
                    failures = 0;
                } catch (MailAccessException e) {
                    if (closed) {
                        break;
                    }
                    disconnect();
                    if (!curable(e) || failures >= options.reconnectAttempts()) {
                        LOG.warn("watch of {} ends: {}", folders, e.toString());
                        safely(() -> listener.onFailure(e));
                        break;
                    }
                    failures++;
                    int attempt = failures;
                    LOG.info("watch of {}: connection lost ({}); reconnect attempt {} of {}", folders, e.toString(),
                            attempt, options.reconnectAttempts());
                    safely(() -> listener.onReconnecting(attempt, e));
                    pause(backoff(failures));
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.warn("watch of {} ends: {}", folders, e.toString(), e);
                        safely(() -> listener.onFailure(new MailAccessException("watch failed: " + e, e)));
                    }
                    break;
                }
            }
        } finally {
            disconnect();
            ended.countDown();
        }
    }

    /** A broken connection or a timeout is worth a reconnect; a refusal or a missing folder is not. */
    private static boolean curable(MailAccessException e) {
        return e instanceof ConnectionException && !(e instanceof AuthenticationException)
                && !(e instanceof FolderNotFoundException);
    }

    private Duration backoff(int failure) {
        Duration d = options.reconnectBackoff().multipliedBy(1L << Math.min(failure - 1, 16));
        return d.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF : d;
    }

    /**
     * IDLE on the first folder where the session can push - told of every folder's news where the server has
     * NOTIFY, else of the first folder's only -, else the poll interval.
     */
    private void await() {
        Mailbox mb = session;
        MailFolder first = open.get(folders.get(0));
        if (!pop3 && mb != null && first != null && mb.capabilities().isUsable(Capability.PUSH, false)) {
            Duration wait = options.pollInterval().compareTo(LONGEST_IDLE) > 0 ? LONGEST_IDLE
                    : options.pollInterval();
            if (folders.size() > 1 && first instanceof CheckedFolder checked && checked.canWatchOthers()) {
                checked.awaitChange(folders.subList(1, folders.size()), wait);
            } else {
                first.awaitChange(wait);
            }
            return;
        }
        pause(options.pollInterval());
    }

    private void pause(Duration d) {
        try {
            if (closedSignal.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private final CountDownLatch closedSignal = new CountDownLatch(1);

    /** Reads every folder's messages and flags; reports the differences to the last state if {@code report}. */
    private void poll(boolean report) {
        if (pop3) {
            try (Mailbox mb = MailAccess.connect(config); MailFolder inbox = mb.folder(folders.get(0),
                    AccessMode.READ_ONLY)) {
                Map<MessageRef, Flags> now = new LinkedHashMap<>();
                for (MessageRef ref : inbox.refs()) {
                    now.put(ref, null);
                }
                compare(folders.get(0), now, report);
            }
            return;
        }
        if (session == null) {
            connect();
        }
        for (String folder : folders) {
            MailFolder f = open.get(folder);
            if (report && session.capabilities().isUsable(Capability.PUSH, false) && !folder.equals(folders.get(0))) {
                f.awaitChange(Duration.ZERO); // a NOOP: the server tells of expunges before the listing
            }
            Map<MessageRef, Flags> now = new LinkedHashMap<>();
            for (MessageSummary s : f.summaries(FLAGS)) {
                now.put(s.ref(), s.flags());
            }
            compare(folder, now, report);
        }
    }

    private void connect() {
        Mailbox mb = MailAccess.connect(config);
        session = mb;
        try {
            for (String folder : folders) {
                open.put(folder, mb.folder(folder, AccessMode.READ_ONLY));
            }
        } catch (RuntimeException e) {
            disconnect();
            throw e;
        }
    }

    private void compare(String folder, Map<MessageRef, Flags> now, boolean report) {
        Map<MessageRef, Flags> before = known.put(folder, now);
        if (!report || before == null) {
            return;
        }
        List<WatchEvent> events = new ArrayList<>();
        for (MessageRef ref : before.keySet()) {
            if (!now.containsKey(ref)) {
                events.add(new WatchEvent(folder, WatchEvent.Kind.EXPUNGED, ref, null));
            }
        }
        for (Map.Entry<MessageRef, Flags> e : now.entrySet()) {
            if (!before.containsKey(e.getKey())) {
                events.add(new WatchEvent(folder, WatchEvent.Kind.NEW, e.getKey(), e.getValue()));
            } else if (!Objects.equals(before.get(e.getKey()), e.getValue())) {
                events.add(new WatchEvent(folder, WatchEvent.Kind.FLAGS, e.getKey(), e.getValue()));
            }
        }
        for (WatchEvent e : events) {
            if (closed) {
                return;
            }
            safely(() -> listener.onEvent(e));
        }
    }

    private void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("watch listener failed: {}", e.toString(), e);
        }
    }

    private void disconnect() {
        Mailbox mb = session;
        session = null;
        for (MailFolder f : open.values()) {
            try {
                f.close();
            } catch (RuntimeException ignored) {
                // the connection may be gone already
            }
        }
        open.clear();
        if (mb != null) {
            try {
                mb.close();
            } catch (RuntimeException ignored) {
                // as above
            }
        }
    }

    @Override
    public boolean isActive() {
        return ended.getCount() > 0 && !closed;
    }

    @Override
    public boolean awaitEnd(Duration maxWait) throws InterruptedException {
        return ended.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        closedSignal.countDown();
        Mailbox mb = session;
        if (mb != null) {
            try {
                mb.close(); // aborts a waiting IDLE
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                ended.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
