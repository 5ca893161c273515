package dev.mailaccess.imap;

import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Credentials;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import dev.mailaccess.angus.internal.AngusSessions;
import dev.mailaccess.angus.internal.Errors;
import dev.mailaccess.angus.internal.SocketRegistry;
import dev.mailaccess.spi.MailboxProvider;
import dev.mailaccess.spi.MailboxSession;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.eclipse.angus.mail.imap.IMAPStore;

import java.util.List;
import java.util.Properties;

/**
 * The IMAP adapter, registered for {@link java.util.ServiceLoader} under the protocol name {@code imap} (the
 * {@code imaps} scheme maps to it too). Built on Eclipse Angus Mail; sessions are {@link ImapSession}s.
 */
public final class ImapProvider implements MailboxProvider {
    /** Bytes fetched per partial FETCH when streaming bodies. */
    static final int CHUNK_SIZE = 262_144;

    /** Creates the provider; normally done by {@link java.util.ServiceLoader}. */
    public ImapProvider() {
    }

    @Override
    public String protocol() {
        return ImapCapabilities.PROTOCOL;
    }

    @Override
    public CapabilitySet staticCapabilities() {
        return ImapCapabilities.staticSet();
    }

    @Override
    public MailboxSession connect(MailboxConfig config) {
        return connect(config, angusProperties(config));
    }

    private MailboxSession connect(MailboxConfig config, Properties angusProperties) {
        String angusProtocol = AngusSessions.angusProtocol(config, "imap");
        // ImapLogin reads the credentials itself at every login; Angus only needs a password that is not null
        String secret = config.credentials() instanceof Credentials.Password pw ? pw.reveal() : "(token)";
        SocketRegistry sockets = new SocketRegistry();
        Session session = AngusSessions.create(config, angusProtocol, sockets, angusProperties);
        IMAPStore store = null;
        try {
            store = BoundedImapStore.open(session, angusProtocol);
            store.connect(config.host(), config.port(), config.user(), secret);
            IMAPStore connected = store;
            CapabilitySet caps = ImapCapabilities.refine(name -> hasCapability(connected, name),
                    BoundedImapStore.lastLogin(connected), config.compression(),
                    BoundedImapStore.lastCompressed(connected));
            ImapSession opened = new ImapSession(config, session, connected, sockets, caps);
            // read now, while no folder holds the connection (see ImapSession.serverHas)
            for (String extension : List.of("CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS")) {
                opened.serverHas(extension);
            }
            return opened;
        } catch (MessagingException | RuntimeException e) {
            sockets.closeAll(); // first: a LOGOUT on a silent server would wait the read timeout again
            closeQuietly(store);
            for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
                if (t instanceof ImapLogin.Refused refused) {
                    throw refused.failure;
                }
            }
            throw Errors.translate(ImapSession.withConnectionCause(e), "connecting to " + config.displayUri());
        }
    }

    private static boolean hasCapability(IMAPStore store, String name) {
        try {
            return store.hasCapability(name);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Angus's bookkeeping only; never {@code isConnected()}, which opens a connection to send a NOOP. */
    private static void closeQuietly(IMAPStore store) {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // failing anyway
            }
        }
    }

    /** Angus properties (without the {@code mail.<protocol>.} prefix) this adapter relies on. */
    static Properties angusProperties(MailboxConfig config) {
        Properties p = angusProperties();
        // Every connection logs in through BoundedImapProtocol.sasllogin, i.e. ImapLogin
        p.put("sasl.enable", "true");
        // COMPRESS=DEFLATE after login where offered: the bounded reader then reads the inflated stream
        p.put("compress.enable", Boolean.toString(config.compression()));
        return p;
    }

    /** Angus properties that do not depend on the configuration. */
    static Properties angusProperties() {
        Properties p = new Properties();
        // Reading a body never sets \Seen.
        p.put("peek", "true");
        // Stream bodies in 256 KB partial FETCHes instead of Angus's 16 KB.
        p.put("partialfetch", "true");
        p.put("fetchsize", Integer.toString(CHUNK_SIZE));
        // A search the server cannot answer fails instead of silently downloading every message.
        p.put("throwsearchexception", "true");
        // The first open folder reuses the store's connection (no second LOGIN). Room for two in the pool, so a
        // folder reselected for QRESYNC gives its connection back (UNSELECT) instead of logging it out.
        p.put("connectionpoolsize", "2");
        p.put("separatestoreconnection", "false");
        // Angus mishandles VANISHED responses once QRESYNC is on; this folder class restates them (see its comment).
        p.put("folder.class", VanishedSafeFolder.class.getName());
        return p;
    }
}
