package dev.mailaccess.spi;

import dev.mailaccess.CapabilitySet;
import dev.mailaccess.MailboxConfig;

/**
 * What a protocol adapter registers with {@link java.util.ServiceLoader} (in
 * {@code META-INF/services/dev.mailaccess.spi.MailboxProvider}). Core wraps every session it returns, checks
 * capabilities before calling it and serialises calls, so adapters need do neither.
 */
public interface MailboxProvider {

    /**
     * The protocol this adapter speaks, as {@link MailboxConfig#canonicalProtocol} spells it.
     *
     * @return e.g. {@code imap} or {@code pop3}
     */
    String protocol();

    /**
     * Capabilities known before connecting: what the protocol can do with a typical server.
     *
     * @return every capability with its expected support
     */
    CapabilitySet staticCapabilities();

    /**
     * Connects and logs in.
     *
     * @param config where and how to connect; its protocol is this provider's
     * @return the logged-in session, which core wraps before handing it out
     * @throws dev.mailaccess.AuthenticationException on rejected credentials
     * @throws dev.mailaccess.ConnectionException      when the server cannot be reached or TLS fails
     */
    MailboxSession connect(MailboxConfig config);
}
