package dev.mailaccess;

import dev.mailaccess.internal.CheckedMailbox;
import dev.mailaccess.spi.MailboxProvider;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Entry point: opens a {@link Mailbox} with whichever adapter on the class path speaks the protocol
 * ({@code mailaccess-imap}, {@code mailaccess-pop}), and tells what a protocol can do before connecting.
 *
 * <pre>{@code
 * try (Mailbox mb = MailAccess.open(URI.create("imaps://alice@mail.example.org"), Credentials.password(pw));
 *      MailFolder inbox = mb.inbox()) {
 *     for (MessageSummary s : inbox.newest(20, FetchSpec.LIST.bestEffort())) {
 *         System.out.println(s.envelope().subject());
 *     }
 * }
 * }</pre>
 */
public final class MailAccess {
    private MailAccess() {
    }

    /**
     * Connects and logs in.
     *
     * @param config where and how to connect
     * @return a logged-in mailbox; the caller closes it
     * @throws AuthenticationException if the credentials are refused
     * @throws ConnectionException     if the server cannot be reached, or TLS cannot be established or trusted
     * @throws IllegalArgumentException if no adapter for the protocol is on the class path
     */
    public static Mailbox connect(MailboxConfig config) {
        MailboxProvider provider = provider(config.protocol());
        return new CheckedMailbox(provider.connect(config), config);
    }

    /**
     * Connects to a URI such as {@code imaps://alice@mail.example.org} with the default settings; see
     * {@link MailboxConfig#fromUri}.
     *
     * @param uri         the account, without a password
     * @param credentials how to log in
     * @return a logged-in mailbox; the caller closes it
     * @throws IllegalArgumentException if the URI is not accepted or no adapter for its protocol is on the class path
     * @throws AuthenticationException  if the credentials are refused
     * @throws ConnectionException      if the server cannot be reached, or TLS cannot be established or trusted
     */
    public static Mailbox open(URI uri, Credentials credentials) {
        return connect(MailboxConfig.fromUri(uri).credentials(credentials).build());
    }

    /**
     * What a protocol can do with a typical server, before connecting; a live session may refine it
     * ({@link Mailbox#capabilities()}).
     *
     * @param protocol {@code imap}, {@code imaps}, {@code pop3} or {@code pop3s}
     * @return every capability with its expected support
     * @throws IllegalArgumentException if no adapter for the protocol is on the class path
     */
    public static CapabilitySet capabilitiesOf(String protocol) {
        return provider(protocol).staticCapabilities();
    }

    /**
     * Protocols with an adapter on the class path.
     *
     * @return canonical protocol names in alphabetical order, e.g. {@code [imap, pop3]}; empty if there is none
     */
    public static List<String> protocols() {
        return List.copyOf(providers().keySet());
    }

    private static MailboxProvider provider(String protocol) {
        String p = MailboxConfig.canonicalProtocol(protocol);
        MailboxProvider provider = providers().get(p);
        if (provider == null) {
            throw new IllegalArgumentException("no adapter for protocol '" + protocol.toLowerCase(Locale.ROOT)
                    + "' on the class path (available: " + protocols() + "); add mailaccess-imap or mailaccess-pop");
        }
        return provider;
    }

    private static Map<String, MailboxProvider> providers() {
        Map<String, MailboxProvider> map = new TreeMap<>();
        for (MailboxProvider p : ServiceLoader.load(MailboxProvider.class, MailAccess.class.getClassLoader())) {
            map.put(p.protocol(), p);
        }
        return map;
    }
}
