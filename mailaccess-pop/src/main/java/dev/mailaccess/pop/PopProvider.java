package dev.mailaccess.pop;

import dev.mailaccess.CapabilitySet;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.pop.internal.PopCapabilities;
import dev.mailaccess.pop.internal.PopSession;
import dev.mailaccess.spi.MailboxProvider;
import dev.mailaccess.spi.MailboxSession;

/**
 * The POP3 adapter, over Eclipse Angus Mail's {@code pop3} / {@code pop3s} provider. Registered with
 * {@link java.util.ServiceLoader}; callers use it through {@link dev.mailaccess.MailAccess}.
 *
 * <p>POP3 has one mailbox (INBOX), references by UIDL, no server-side flags, search, copy or upload. Headers come
 * from {@code TOP n 0} (or from whole downloads where the server lacks TOP), sizes from one {@code LIST}, bodies from
 * {@code RETR}; a deletion becomes final when the session ends with {@code QUIT}. {@link #staticCapabilities()} says
 * all of this per operation, with reasons.
 */
public final class PopProvider implements MailboxProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public PopProvider() {
    }

    @Override
    public String protocol() {
        return "pop3";
    }

    @Override
    public CapabilitySet staticCapabilities() {
        return PopCapabilities.staticSet();
    }

    @Override
    public MailboxSession connect(MailboxConfig config) {
        return PopSession.connect(config);
    }
}
