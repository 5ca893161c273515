package dev.mailaccess.testkit;

import dev.mailaccess.Flags;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;

import java.util.List;

/**
 * A mail server under test (embedded GreenMail, or a real Dovecot started by the fixture), listening on loopback.
 * Each test takes a fresh user with {@link #newUser()}, so tests never see each other's mail.
 */
public interface MailServerFixture extends AutoCloseable {

    /** Short name for reports, e.g. {@code greenmail} or {@code dovecot}. */
    String name();

    /** Always a loopback address. */
    String host();

    /** The cleartext port for {@code imap} or {@code pop3}. */
    int port(String protocol);

    /** Creates a user with an empty INBOX and returns its login. */
    String newUser();

    /** The password of a user made by {@link #newUser()}. */
    String password(String user);

    /** A cleartext ({@link TlsMode#NONE}) configuration for the user, password set. */
    default MailboxConfig.Builder config(String protocol, String user) {
        return MailboxConfig.builder().protocol(protocol).host(host()).port(port(protocol)).user(user)
                .password(password(user)).tlsMode(TlsMode.NONE);
    }

    /** Creates a folder for the user, outside the protocol under test. */
    void createFolder(String user, String folder);

    /** Stores a message in a user's folder, outside the protocol under test. */
    void deliver(String user, String folder, byte[] rfc822, Flags flags);

    /** The raw messages now in a user's folder, in UID order, read outside the protocol under test. */
    List<byte[]> messages(String user, String folder);

    /** Stops the server. */
    @Override
    void close();
}
