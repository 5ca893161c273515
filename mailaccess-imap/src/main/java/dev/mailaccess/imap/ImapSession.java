package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ProtocolException;
import dev.mailaccess.SpecialUse;
import dev.mailaccess.angus.internal.Errors;
import dev.mailaccess.angus.internal.SocketRegistry;
import dev.mailaccess.spi.MailboxSession;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A logged-in IMAP session over an Angus {@code IMAPStore}. Obtained through {@link dev.mailaccess.MailAccess}, which
 * wraps it with capability checks and call serialisation. {@link #unwrap(Class)} gives the underlying
 * {@code jakarta.mail.Store} / {@code IMAPStore} or {@code jakarta.mail.Session}.
 */
public final class ImapSession implements MailboxSession {
    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);
    /** The longest a LOGOUT may wait for its answer. */
    private static final java.time.Duration LOGOUT_WAIT = java.time.Duration.ofSeconds(3);

    private final MailboxConfig config;
    private final Session session;
    private final IMAPStore store;
    private final SocketRegistry sockets;
    private final CapabilitySet capabilities;
    private final Set<ImapFolder> openFolders = new LinkedHashSet<>();
    /** The last folder closed, still selected on its connection until the session needs it: see {@link #park}. */
    private IMAPFolder parked;
    private volatile boolean closed;

    ImapSession(MailboxConfig config, Session session, IMAPStore store, SocketRegistry sockets,
                CapabilitySet capabilities) {
        this.config = config;
        this.session = session;
        this.store = store;
        this.sockets = sockets;
        this.capabilities = capabilities;
    }

    @Override
    public CapabilitySet capabilities() {
        return capabilities;
    }

    @Override
    public MailboxConfig config() {
        return config;
    }

    String on() {
        return " on " + config.displayUri();
    }

    Session jakartaSession() {
        return session;
    }

    IMAPStore store() {
        return store;
    }

    /**
     * Whether the server announced an extension. Remembered per session: asking Angus's store while a folder holds
     * the pooled connection would open and log in a second connection just to read CAPABILITY.
     */
    boolean serverHas(String extension) {
        return announced.computeIfAbsent(extension.toUpperCase(java.util.Locale.ROOT), x -> {
            settle();
            try {
                return store.hasCapability(x);
            } catch (MessagingException e) {
                throw Errors.translate(e, "reading capabilities" + on());
            }
        });
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> announced =
            new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public List<FolderInfo> folders() {
        settle();
        long start = System.nanoTime();
        try {
            Folder[] all = store.getDefaultFolder().list("*");
            List<FolderInfo> out = new ArrayList<>(all.length);
            for (Folder f : all) {
                IMAPFolder imf = (IMAPFolder) f;
                Set<String> attributes = new LinkedHashSet<>(List.of(imf.getAttributes()));
                SpecialUse use = null;
                boolean selectable = true;
                for (String a : attributes) {
                    if (use == null) {
                        use = SpecialUse.fromAttribute(a);
                    }
                    if (a.equalsIgnoreCase("\\Noselect") || a.equalsIgnoreCase("\\NonExistent")) {
                        selectable = false;
                    }
                }
                char sep = imf.getSeparator();
                out.add(new FolderInfo(imf.getFullName(), sep == '\0' ? "" : String.valueOf(sep), attributes, use,
                        selectable));
            }
            return List.copyOf(out);
        } catch (MessagingException | RuntimeException e) {
            throw translate(e, "listing folders" + on(), start);
        }
    }

    @Override
    public MailFolder folder(String path, AccessMode mode) {
        settle();
        long start = System.nanoTime();
        IMAPFolder f;
        try {
            f = (IMAPFolder) store.getFolder(path);
            f.open(mode == AccessMode.READ_ONLY ? Folder.READ_ONLY : Folder.READ_WRITE);
        } catch (jakarta.mail.FolderNotFoundException e) {
            throw new FolderNotFoundException(path, e);
        } catch (MessagingException | RuntimeException e) {
            throw translate(e, "opening folder " + path + on(), start);
        }
        try {
            ImapFolder folder = new ImapFolder(this, f, path, mode);
            synchronized (openFolders) {
                openFolders.add(folder);
            }
            return folder;
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(f);
            throw translate(e, "opening folder " + path + on(), start);
        }
    }

    void forget(ImapFolder folder) {
        synchronized (openFolders) {
            openFolders.remove(folder);
        }
    }

    /**
     * Closes a folder the user closed. When it was the only one open, its UNSELECT waits until the session next
     * needs the connection ({@link #settle}): a session that is closed next logs out instead, and LOGOUT leaves the
     * folder without expunging, as UNSELECT does. That saves the listing-and-close pattern a round trip. Only one
     * folder is parked, and only while none is open, so it never holds a connection another folder could use.
     */
    void park(IMAPFolder folder) {
        synchronized (openFolders) {
            if (!closed && parked == null && openFolders.isEmpty()) {
                parked = folder;
                return;
            }
        }
        closeQuietly(folder);
    }

    /** Closes (UNSELECT) the parked folder, if any, before the session uses its connection for something else. */
    private void settle() {
        IMAPFolder p = takeParked();
        if (p != null) {
            closeQuietly(p);
        }
    }

    private IMAPFolder takeParked() {
        synchronized (openFolders) {
            IMAPFolder p = parked;
            parked = null;
            return p;
        }
    }

    @Override
    public FolderStatus status(String path) {
        settle();
        long start = System.nanoTime();
        IMAPFolder f = null;
        try {
            f = (IMAPFolder) store.getFolder(path);
            return status(f, path);
        } catch (MessagingException | RuntimeException e) {
            throw notFoundOr(f, path, e, "reading the status of " + path + on(), start);
        }
    }

    /** One STATUS command, on the folder's own connection when it is open, else on the store's. */
    FolderStatus status(IMAPFolder f, String path) throws MessagingException {
        boolean condstore = serverHas("CONDSTORE");
        String fullName = f.getFullName();
        String[] items = condstore
                ? new String[] {"MESSAGES", "UNSEEN", "UIDNEXT", "UIDVALIDITY", "HIGHESTMODSEQ"}
                : new String[] {"MESSAGES", "UNSEEN", "UIDNEXT", "UIDVALIDITY"};
        Status s = (Status) f.doCommand(p -> p.status(fullName, items));
        if (s == null) {
            throw new ProtocolException("the server sent no STATUS for " + path + on(), null);
        }
        return new FolderStatus(path, s.total, s.unseen, s.uidnext, s.uidvalidity,
                condstore ? s.highestmodseq : -1);
    }

    /**
     * A lost connection reported after waiting at least the read timeout is a timeout: Angus turns a read timeout
     * into "connection closed" and drops the SocketTimeoutException.
     */
    MailAccessException timeoutAware(MailAccessException translated, Exception original, String where,
                                     long startNanos, boolean connectionGone) {
        if (translated instanceof MailTimeoutException || !(translated instanceof ConnectionException)) {
            return translated;
        }
        String text = String.valueOf(original.getMessage());
        long waitedMillis = (System.nanoTime() - startNanos) / 1_000_000;
        long timeoutMillis = config.readTimeout().toMillis();
        if (text.contains("SocketTimeoutException") || text.contains("Read timed out")
                || (connectionGone && waitedMillis >= timeoutMillis * 9 / 10)) {
            return new MailTimeoutException("timed out " + where + ": no answer within " + config.readTimeout(),
                    original);
        }
        return translated;
    }

    /**
     * Translates a failure. Whether the connection is gone is read off the failure itself, never asked of Angus's
     * store: {@code IMAPStore.isConnected()} opens a new connection and sends a NOOP, which on a silent server costs
     * a second read timeout.
     */
    MailAccessException translate(Exception e, String where, long startNanos) {
        Exception withCause = withConnectionCause(e);
        MailAccessException t = Errors.translate(withCause, where);
        return timeoutAware(t, e, where, startNanos, withCause != e
                || e instanceof jakarta.mail.StoreClosedException || e instanceof jakarta.mail.FolderClosedException);
    }

    /**
     * Angus reports a dropped connection as a MessagingException around its own (non-I/O) ConnectionException,
     * keeping the socket's IOException only in the synthetic BYE response; put that IOException back as the cause so
     * the failure is classified as a lost connection (or a timeout) rather than a protocol error.
     */
    static Exception withConnectionCause(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.angus.mail.iap.ConnectionException cex) {
                Exception io = cex.getResponse() == null ? null : cex.getResponse().getException();
                if (!(io instanceof java.io.IOException)) {
                    io = new java.io.EOFException("the server closed the connection: " + cex.getMessage());
                }
                return new MessagingException(String.valueOf(e.getMessage()), io);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return e;
    }

    /** A failure on a named folder: FolderNotFoundException if the folder does not exist, else the translation. */
    MailAccessException notFoundOr(Folder f, String path, Exception e, String where, long startNanos) {
        if (e instanceof jakarta.mail.FolderNotFoundException) {
            return new FolderNotFoundException(path, e);
        }
        MailAccessException translated = translate(e, where, startNanos);
        if (translated instanceof ProtocolException && f != null) {
            try {
                if (!f.exists()) {
                    return new FolderNotFoundException(path, e);
                }
            } catch (MessagingException | RuntimeException ignored) {
                // keep the original failure
            }
        }
        return translated;
    }

    @Override
    public List<dev.mailaccess.Quota> quota(String path) {
        settle();
        long start = System.nanoTime();
        try {
            jakarta.mail.Quota[] roots = store.getQuota(path);
            List<dev.mailaccess.Quota> out = new ArrayList<>(roots.length);
            for (jakarta.mail.Quota q : roots) {
                List<dev.mailaccess.Quota.Resource> resources = new ArrayList<>();
                if (q.resources != null) {
                    for (jakarta.mail.Quota.Resource r : q.resources) {
                        resources.add(new dev.mailaccess.Quota.Resource(r.name, r.usage, r.limit));
                    }
                }
                out.add(new dev.mailaccess.Quota(q.quotaRoot == null ? "" : q.quotaRoot, resources));
            }
            return List.copyOf(out);
        } catch (MessagingException | RuntimeException e) {
            throw notFoundOr(null, path, e, "reading the quota of " + path + on(), start);
        }
    }

    @Override
    public void createFolder(String path) {
        settle();
        long start = System.nanoTime();
        try {
            Folder f = store.getFolder(path);
            if (!f.create(Folder.HOLDS_MESSAGES)) {
                throw new ProtocolException("the server refused to create folder " + path + on()
                        + (f.exists() ? " (it already exists)" : ""), null);
            }
        } catch (MessagingException | RuntimeException e) {
            throw translate(e, "creating folder " + path + on(), start);
        }
    }

    @Override
    public void deleteFolder(String path) {
        settle();
        List<ImapFolder> open;
        synchronized (openFolders) {
            open = openFolders.stream().filter(o -> o.path().equals(path)).toList();
        }
        open.forEach(ImapFolder::close);
        Folder f = null;
        long start = System.nanoTime();
        try {
            f = store.getFolder(path);
            if (!f.exists()) {
                throw new FolderNotFoundException(path, null);
            }
            if (!f.delete(true)) {
                throw new ProtocolException("the server refused to delete folder " + path + on(), null);
            }
        } catch (MessagingException | RuntimeException e) {
            throw notFoundOr(f, path, e, "deleting folder " + path + on(), start);
        }
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        settle();
        if (type.isInstance(store)) {
            return type.cast(store);
        }
        if (type.isInstance(session)) {
            return type.cast(session);
        }
        throw new IllegalArgumentException("the IMAP adapter offers jakarta.mail.Store, IMAPStore or "
                + "jakarta.mail.Session, not " + type.getName());
    }

    @Override
    public void abort() {
        sockets.closeAll();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ImapFolder> open;
        synchronized (openFolders) {
            open = new ArrayList<>(openFolders);
        }
        open.forEach(ImapFolder::close);
        // LOGOUT's answer changes nothing (it never expunges): a silent server is cut after a few seconds
        AutoCloseable watchdog = sockets.closeAllAfter(LOGOUT_WAIT.compareTo(config.readTimeout()) < 0
                ? LOGOUT_WAIT : config.readTimeout());
        try {
            IMAPFolder p = takeParked();
            if (p != null) {
                logOutThrough(p);
            }
            store.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("closing {} failed; the connection was probably already gone", config.displayUri(), e);
        } finally {
            closeQuietly(watchdog);
            sockets.closeAll();
        }
    }

    private static void closeQuietly(AutoCloseable watchdog) {
        try {
            watchdog.close();
        } catch (Exception ignored) {
            // cancelling a timer does not fail
        }
    }

    /**
     * LOGOUT on a folder's own connection (which deselects without expunging), then Angus's bookkeeping. Not on a
     * folder whose connection is gone: Angus would run the command on a new connection, logged in just for it.
     */
    private void logOutThrough(IMAPFolder f) {
        try {
            if (!VanishedSafeFolder.isOpen(f)) {
                f.forceClose();
                return;
            }
            f.doCommand(p -> {
                p.logout();
                return null;
            });
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("logging out of {} failed; the connection was probably already gone", config.displayUri(), e);
        }
        try {
            f.forceClose();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("releasing folder {} failed", f.getFullName(), e);
        }
    }

    static void closeQuietly(IMAPFolder f) {
        try {
            // not isOpen(): it sends a NOOP when the connection has been quiet for a second
            f.close(false);
        } catch (IllegalStateException alreadyClosed) {
            // nothing to do
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("closing folder {} failed", f.getFullName(), e);
        }
    }

    @Override
    public String toString() {
        return "ImapSession[" + config.displayUri() + (closed ? ", closed" : "") + "]";
    }
}
