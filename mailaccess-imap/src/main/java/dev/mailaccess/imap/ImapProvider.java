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
        if (!loginCommandFits(config)) {
            return connect(config, angusProperties());
        }
        Properties withLogin = angusProperties();
        // No SASL mechanism: Angus then logs in with the LOGIN command, one round trip. AUTHENTICATE PLAIN costs two
        // (Angus does not send the initial response with SASL-IR) for the same cleartext-inside-the-channel secret.
        withLogin.put("auth.mechanisms", "");
        try {
            return connect(config, withLogin);
        } catch (MailAccessException e) {
            if (!String.valueOf(e.getCause()).contains("No login methods supported")) {
                throw e;
            }
            // LOGINDISABLED: only a SASL mechanism may be left
            return connect(config, angusProperties());
        }
    }

    /** LOGIN sends the user name and password as IMAP strings: printable ASCII goes as it is, in one line. */
    private static boolean loginCommandFits(MailboxConfig config) {
        if (!(config.credentials() instanceof Credentials.Password pw)) {
            return false;
        }
        return printableAscii(config.user()) && printableAscii(pw.reveal());
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private MailboxSession connect(MailboxConfig config, Properties angusProperties) {
        String angusProtocol = config.tlsMode() == TlsMode.IMPLICIT ? "imaps" : "imap";
        String secret = AngusSessions.secret(config);
        SocketRegistry sockets = new SocketRegistry();
        Session session = AngusSessions.create(config, angusProtocol, sockets, angusProperties);
        IMAPStore store = null;
        try {
            store = BoundedImapStore.open(session, angusProtocol);
            store.connect(config.host(), config.port(), config.user(), secret);
            IMAPStore connected = store;
            CapabilitySet caps = ImapCapabilities.refine(name -> hasCapability(connected, name));
            ImapSession opened = new ImapSession(config, session, connected, sockets, caps);
            // read now, while no folder holds the connection (see ImapSession.serverHas)
            for (String extension : List.of("CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS")) {
                opened.serverHas(extension);
            }
            return opened;
        } catch (MessagingException | RuntimeException e) {
            sockets.closeAll(); // first: a LOGOUT on a silent server would wait the read timeout again
            closeQuietly(store);
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
