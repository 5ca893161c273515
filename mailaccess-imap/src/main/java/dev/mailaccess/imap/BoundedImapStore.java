package dev.mailaccess.imap;

import jakarta.mail.NoSuchProviderException;
import jakarta.mail.Provider;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;

import java.io.IOException;

/**
 * Angus's IMAP store whose connections are {@link BoundedImapProtocol}s. Not part of the API: public only because
 * Jakarta Mail creates it by reflection.
 */
public final class BoundedImapStore extends IMAPStore {
    /**
     * Called by Jakarta Mail's {@code Session.getStore}.
     *
     * @param session the session whose properties configure the store
     * @param url     the store's URL; its protocol {@code imaps} means implicit TLS; null for plain {@code imap}
     */
    public BoundedImapStore(Session session, URLName url) {
        super(session, url, url == null ? "imap" : url.getProtocol(),
                url != null && "imaps".equalsIgnoreCase(url.getProtocol()));
    }

    /** A store of this class for {@code protocol} ({@code imap} or {@code imaps}) in {@code session}. */
    static IMAPStore open(Session session, String protocol) throws NoSuchProviderException {
        session.setProvider(new Provider(Provider.Type.STORE, protocol, BoundedImapStore.class.getName(),
                "mailaccess", "1"));
        return (IMAPStore) session.getStore(protocol);
    }

    /** The connection made last, for how it logged in. */
    private volatile BoundedImapProtocol latest;

    @Override
    protected IMAPProtocol newIMAPProtocol(String host, int port) throws IOException, ProtocolException {
        BoundedImapProtocol p = new BoundedImapProtocol(name, host, port, session.getProperties(), isSSL, logger);
        latest = p;
        return p;
    }

    /** Whether the store's newest connection is compressed (COMPRESS=DEFLATE), or null when unknown. */
    static Boolean lastCompressed(IMAPStore store) {
        BoundedImapProtocol p = store instanceof BoundedImapStore b ? b.latest : null;
        return p == null ? null : p.compressed();
    }

    /** How the store's newest connection logged in, or null when unknown. */
    static ImapLogin.Outcome lastLogin(IMAPStore store) {
        BoundedImapProtocol p = store instanceof BoundedImapStore b ? b.latest : null;
        return p == null ? null : p.loginOutcome();
    }
}
