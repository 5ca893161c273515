package dev.mailaccess.pop.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.MailboxClosedException;
import dev.mailaccess.AuthMechanism;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.angus.internal.AngusSessions;
import dev.mailaccess.angus.internal.Errors;
import dev.mailaccess.angus.internal.SocketRegistry;
import dev.mailaccess.spi.MailboxSession;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A POP3 session over an Angus {@link POP3Store}. The maildrop (INBOX) is opened on one connection the first time
 * a folder is asked for and stays open until {@link #close()}: POP3 makes deletions final only at {@code QUIT}, so
 * closing a {@link MailFolder} view keeps them pending, and closing the session commits them.
 *
 * <p>Not thread-safe on its own: core's wrapper serialises calls; only {@link #abort()} may come from another thread.
 */
public final class PopSession implements MailboxSession {
    private static final Logger LOG = LoggerFactory.getLogger(PopSession.class);

    private final MailboxConfig config;
    private final SocketRegistry sockets;
    private volatile boolean pipelining;
    private final Session session;
    private final POP3Store store;
    private final CapabilitySet capabilities;
    private Maildrop maildrop;
    private volatile boolean closed;
    private volatile boolean broken;

    private PopSession(MailboxConfig config, SocketRegistry sockets, Session session, POP3Store store,
                       CapabilitySet capabilities) {
        this.config = config;
        this.sockets = sockets;
        this.session = session;
        this.store = store;
        this.capabilities = capabilities;
    }

    /**
     * Connects and logs in.
     *
     * @throws AuthenticationException if the server refuses the credentials
     * @throws ConnectionException     if the server cannot be reached or TLS fails
     */
    public static PopSession connect(MailboxConfig config) {
        String protocol = AngusSessions.angusProtocol(config, "pop3");
        AuthMechanism pinned = config.authMechanism();
        if (pinned == AuthMechanism.SCRAM_SHA_256 || pinned == AuthMechanism.SCRAM_SHA_1
                || pinned == AuthMechanism.OAUTHBEARER) {
            // before any I/O: Angus's POP3 client cannot speak it, whatever the server offers
            throw new UnsupportedCapabilityException(CapabilityInfo.unsupported(Capability.SASL_LOGIN,
                    pinned.saslName() + " was asked for, but " + PopCapabilities.staticSet()
                            .info(Capability.SASL_LOGIN).reason()), PopCapabilities.PROTOCOL);
        }
        SocketRegistry sockets = new SocketRegistry(greeting -> new Pop3Guard(config.limits(), greeting));
        Properties extra = angusProperties();
        if (pinned != null) {
            extra.put("auth.mechanisms", pinned.saslName());
            extra.put("auth." + pinned.saslName().toLowerCase(java.util.Locale.ROOT) + ".disable", "false");
        }
        Session session = AngusSessions.create(config, protocol, sockets, extra);
        String secret = AngusSessions.secret(config);
        POP3Store store = null;
        try {
            store = (POP3Store) session.getStore(protocol);
            store.connect(config.host(), config.port(), config.user(), secret);
            // Angus reads CAPA before login and, when it lacks TOP, already falls back to RETR for headers.
            Map<String, String> capa = store.capabilities();
            PopSession opened = new PopSession(config, sockets, session, store, PopCapabilities.live(capa));
            opened.pipelining = capa != null && capa.containsKey("PIPELINING");
            return opened;
        } catch (MessagingException | RuntimeException e) {
            if (store != null) {
                try {
                    store.close();
                } catch (MessagingException | RuntimeException ignored) {
                    // failing anyway
                }
            }
            sockets.closeAll();
            IOException cut = sockets.guardFailure();
            throw cut != null ? Errors.translate(new MessagingException(cut.getMessage(), cut),
                    "connecting to " + config.displayUri()) : connectFailure(e, config, secret);
        }
    }

    private static Properties angusProperties() {
        Properties p = new Properties();
        // Large messages are cached in a temporary file, not on the heap, when parsed (parts, structure, search).
        p.put("filecache.enable", "true");
        // Never RSET before QUIT: that would undo our DELEs.
        p.put("rsetbeforequit", "false");
        // writeTo streams RETR straight into our spool file without caching a second copy.
        p.put("cachewriteto", "false");
        p.put("keepmessagecontent", "false");
        p.put("forgettopheaders", "false");
        return p;
    }

    private static MailAccessException connectFailure(Exception e, MailboxConfig config, String secret) {
        String where = "connecting to " + config.displayUri();
        String text = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof AuthenticationFailedException) {
            // Angus reports every EOF during connect as an authentication failure; sort out the transport ones.
            if (text.contains("STLS")) {
                return new ConnectionException("TLS required but " + where + " the server does not offer STLS ("
                        + text + "); refusing to continue without encryption", false, e);
            }
            if (timedOut(e) || text.contains("timed out")) {
                // POP3Store turns the EOFException of a read timeout (e.g. no greeting) into this, text only.
                return new MailTimeoutException("timed out " + where + ": no answer within "
                        + config.readTimeout().toMillis() + " ms", e);
            }
            if (text.isEmpty() || text.contains("EOF on socket")) {
                return new ConnectionException("connection lost " + where + ": the server closed the connection",
                        true, e);
            }
        }
        MailAccessException m = Errors.translate(e, where);
        if (!secret.isEmpty() && mentions(m, secret)) {
            // The server echoed the secret: never let it into a message or a cause.
            return m instanceof AuthenticationException
                    ? new AuthenticationException("authentication failed " + where
                            + ": the server refused the credentials", null)
                    : new ConnectionException("connecting to " + config.displayUri() + " failed ("
                            + e.getClass().getSimpleName() + ")", true, null);
        }
        return m;
    }

    private static boolean mentions(Throwable e, String secret) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains(secret)) {
                return true;
            }
            if (t instanceof MessagingException me && me.getNextException() != null
                    && me.getNextException() != t.getCause() && mentions(me.getNextException(), secret)) {
                return true;
            }
        }
        return false;
    }

    // ---- maildrop lifecycle -------------------------------------------------------------------------------

    /** The open maildrop, opening it on first use. */
    Maildrop maildrop() {
        checkUsable();
        if (maildrop == null) {
            try {
                openMaildrop();
            } catch (MessagingException | RuntimeException e) {
                throw failure(e, "opening INBOX on " + config.displayUri());
            }
        }
        return maildrop;
    }

    private void openMaildrop() throws MessagingException {
        POP3Folder f = (POP3Folder) store.getFolder("INBOX");
        // POP3 has no read-only mode on the wire; only views opened READ_WRITE can mark messages deleted.
        f.open(Folder.READ_WRITE);
        maildrop = new Maildrop(f, capabilities.support(Capability.STABLE_IDS) != dev.mailaccess.Support.UNSUPPORTED);
    }

    /**
     * Ends the POP3 session with QUIT, committing the messages marked deleted, then logs in again (with fresh
     * credentials) and reopens the maildrop.
     */
    void commitAndReconnect() {
        checkUsable();
        Maildrop old = maildrop;
        maildrop = null;
        String where = "committing deletions (QUIT) on " + config.displayUri();
        try {
            if (old != null) {
                old.folder.close(true);
            }
            store.close();
            where = "reconnecting to " + config.displayUri();
            store.connect(config.host(), config.port(), config.user(), AngusSessions.secret(config));
            openMaildrop();
        } catch (MessagingException | RuntimeException e) {
            throw failure(e, where);
        }
    }

    void checkUsable() {
        if (closed) {
            throw new MailboxClosedException("the mailbox is closed", null);
        }
        if (broken) {
            throw new ConnectionException("the connection to " + config.displayUri()
                    + " was lost earlier in this session; connect again", true, null);
        }
    }

    /** Translates a failure; a lost connection makes the session unusable (POP3 state cannot be recovered). */
    MailAccessException failure(Exception e, String where) {
        MailAccessException m;
        IOException cut = sockets.guardFailure();
        if (cut != null) {
            m = Errors.translate(new MessagingException(String.valueOf(e.getMessage()), cut), where);
        } else if (timedOut(e)) {
            // Angus POP3 turns a read timeout into an EOFException and often into a FolderClosedException that
            // keeps only its text ("java.io.EOFException: Read timed out").
            m = new MailTimeoutException("timed out " + where + " (no answer within "
                    + config.readTimeout().toMillis() + " ms)", e);
        } else if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("not Open")) {
            // Angus closes the folder itself when it sees the connection drop.
            m = new ConnectionException("connection lost " + where, true, e);
        } else {
            m = Errors.translate(e, where);
        }
        if (m instanceof ConnectionException || cut != null) {
            broken = true; // a cut connection is gone too
        }
        return m;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            String text = String.valueOf(t.getMessage());
            if ((t instanceof java.io.EOFException || t instanceof jakarta.mail.FolderClosedException
                    || t instanceof jakarta.mail.StoreClosedException) && text.contains("timed out")) {
                return true;
            }
            if (t instanceof MessagingException me && me.getNextException() != null && me.getNextException() != t
                    && me.getNextException() != t.getCause() && timedOut(me.getNextException())) {
                return true;
            }
        }
        return false;
    }

    String displayUri() {
        return config.displayUri();
    }

    UnsupportedCapabilityException unsupported(Capability capability) {
        return new UnsupportedCapabilityException(capabilities.info(capability), PopCapabilities.PROTOCOL);
    }

    // ---- Mailbox --------------------------------------------------------------------------------------------

    @Override
    public CapabilitySet capabilities() {
        return capabilities;
    }

    @Override
    public MailboxConfig config() {
        return config;
    }

    @Override
    public List<FolderInfo> folders() {
        return List.of(new FolderInfo("INBOX", "", Set.of(), null, true));
    }

    @Override
    public MailFolder folder(String path, AccessMode mode) {
        if (!"INBOX".equalsIgnoreCase(path)) {
            throw new FolderNotFoundException(path, null);
        }
        maildrop();
        return new PopFolder(this, mode == null ? AccessMode.READ_WRITE : mode);
    }

    @Override
    public FolderStatus status(String path) {
        if (!"INBOX".equalsIgnoreCase(path)) {
            throw new FolderNotFoundException(path, null);
        }
        Maildrop md = maildrop();
        try {
            return new FolderStatus("INBOX", md.count(), -1, -1, -1, -1);
        } catch (MessagingException | RuntimeException e) {
            throw failure(e, "counting messages on " + config.displayUri());
        }
    }

    @Override
    public void createFolder(String path) {
        throw unsupported(Capability.FOLDERS);
    }

    @Override
    public void deleteFolder(String path) {
        throw unsupported(Capability.FOLDERS);
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(store)) {
            return type.cast(store);
        }
        if (type == Session.class) {
            return type.cast(session);
        }
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        if ((type == Folder.class || type == POP3Folder.class) && maildrop != null) {
            return type.cast(maildrop.folder);
        }
        throw new IllegalArgumentException("the POP3 adapter offers no " + type.getName()
                + " (try jakarta.mail.Store, org.eclipse.angus.mail.pop3.POP3Store or jakarta.mail.Session)");
    }

    @Override
    public void abort() {
        broken = true;
        sockets.closeAll();
    }

    /** Ends the session: DELE for every message marked deleted, QUIT (which makes them final), close. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Maildrop md = maildrop;
        maildrop = null;
        if (broken) {
            // Nothing can be committed on a dead connection; do not wait for timeouts.
            sockets.closeAll();
        }
        if (md != null && !broken) {
            try {
                md.folder.close(true);
            } catch (MessagingException | RuntimeException e) {
                LOG.warn("closing INBOX on {} failed; pending deletions may not have been made final: {}",
                        config.displayUri(), e.toString());
            }
        }
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            LOG.debug("closing the POP3 store on {}: {}", config.displayUri(), e.toString());
        }
        sockets.closeAll();
    }

    @Override
    public String toString() {
        return "PopSession[" + config.displayUri() + (closed ? ", closed" : "") + "]";
    }

    /** An Angus call that may do I/O. */
    interface Io<T> {
        T call() throws MessagingException, IOException;
    }

    /** Runs an Angus call, translating every failure. */
    <T> T io(String what, Io<T> body) {
        checkUsable();
        try {
            return body.call();
        } catch (MailAccessException e) {
            throw e;
        } catch (MessagingException | IOException | RuntimeException e) {
            throw failure(e, what + " on " + config.displayUri());
        }
    }

    /** Whether the server announced PIPELINING in CAPA (RFC 2449): commands may be sent ahead. */
    boolean pipelining() {
        return pipelining;
    }

    /** The session's connection, for commands sent around Angus ({@link RawRetr}); null if gone. */
    java.net.Socket connection() {
        return sockets.latest();
    }

    /** Ends the connection at once: after a failure mid-response, its state is unknown. */
    void abortConnection() {
        sockets.closeAll();
    }

    /** For tests and unwrap users: the underlying store. */
    Store store() {
        return store;
    }
}
