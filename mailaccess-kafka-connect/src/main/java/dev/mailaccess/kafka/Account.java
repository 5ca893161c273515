package dev.mailaccess.kafka;

import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import org.apache.kafka.common.config.ConfigException;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * One mailbox the connector reads: its stable id (the {@code account} of every source partition), the host it is
 * grouped by, and how to connect. {@code toString()} is the id, which holds no secret.
 *
 * @param id     {@code <imap|pop3>://<user>@<host>}: without port or TLS mode, so that reaching the same mailbox
 *               another way keeps its offsets
 * @param host   the server host, lower case: tasks and the connection cap are per host
 * @param config how to connect, password included
 */
record Account(String id, String host, MailboxConfig config) {

    boolean isPop3() {
        return "pop3".equals(config.protocol());
    }

    @Override
    public String toString() {
        return id;
    }

    /**
     * Checks a mailbox URL and returns its config builder (no password yet).
     *
     * @throws ConfigException naming the URL if it is not a mailbox URL
     */
    static MailboxConfig.Builder parseUrl(String url) {
        try {
            return MailboxConfig.fromUri(URI.create(url.strip()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ConfigException(MailSourceConfig.ACCOUNTS, redacted(url), e.getMessage());
        }
    }

    /** The URL with any password in it replaced, for error messages. */
    static String redacted(String url) {
        return url.replaceAll("(://[^/@:]*):[^/@]*@", "$1:****@");
    }

    /** The host of a mailbox URL, lower case (the task split's key). */
    static String hostOf(String url) {
        return parseUrl(url).build().host().toLowerCase(Locale.ROOT);
    }

    static Account of(String url, Function<String, String> passwords, X509Certificate[] trust, boolean cleartext,
                      Duration connectTimeout, Duration readTimeout) {
        MailboxConfig.Builder b = parseUrl(url).connectTimeout(connectTimeout).readTimeout(readTimeout);
        MailboxConfig bare = b.build();
        String host = bare.host().toLowerCase(Locale.ROOT);
        String userAtHost = bare.user() + "@" + host;
        String password = passwords.apply(userAtHost);
        if (password == null) {
            throw new ConfigException(MailSourceConfig.ACCOUNTS, url, "no password: set "
                    + MailSourceConfig.PASSWORD_PREFIX + userAtHost + " or " + MailSourceConfig.PASSWORD);
        }
        b.password(password);
        for (X509Certificate c : trust) {
            b.trust(c);
        }
        if (cleartext) {
            b.tlsMode(TlsMode.NONE);
        }
        return new Account(bare.protocol() + "://" + userAtHost, host, b.build());
    }
}
