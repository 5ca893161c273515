package dev.mailaccess;

import java.util.Locale;

/**
 * A way to log in (a SASL mechanism), for {@link MailboxConfig.Builder#authMechanism(AuthMechanism)}: left unset,
 * a session takes the strongest mechanism both sides have, in the order of the constants below (password
 * credentials: {@link #SCRAM_SHA_256}, {@link #SCRAM_SHA_1}, {@link #PLAIN}, {@link #LOGIN}; OAuth2 credentials:
 * {@link #OAUTHBEARER}, {@link #XOAUTH2}). Set, the session uses that one or fails before sending any secret.
 */
public enum AuthMechanism {
    /** SCRAM-SHA-256 (RFC 7677): proves knowledge of the password without sending it; the server proves it too. */
    SCRAM_SHA_256("SCRAM-SHA-256", true),
    /** SCRAM-SHA-1 (RFC 5802): as SCRAM-SHA-256 with SHA-1. */
    SCRAM_SHA_1("SCRAM-SHA-1", true),
    /** PLAIN (RFC 4616): the password goes to the server, inside TLS; on IMAP the LOGIN command counts as this. */
    PLAIN("PLAIN", true),
    /** LOGIN: user name and password in two steps, for servers that offer nothing better. */
    LOGIN("LOGIN", true),
    /** OAUTHBEARER (RFC 7628): the standard way to log in with an OAuth2 access token. */
    OAUTHBEARER("OAUTHBEARER", false),
    /** XOAUTH2: Google's and Microsoft's older way to log in with an OAuth2 access token. */
    XOAUTH2("XOAUTH2", false);

    private final String saslName;
    private final boolean password;

    AuthMechanism(String saslName, boolean password) {
        this.saslName = saslName;
        this.password = password;
    }

    /**
     * The mechanism's name as servers announce it.
     *
     * @return e.g. {@code SCRAM-SHA-256}
     */
    public String saslName() {
        return saslName;
    }

    /**
     * Whether the mechanism takes a password (rather than an OAuth2 token).
     *
     * @return true for SCRAM, PLAIN and LOGIN
     */
    public boolean usesPassword() {
        return password;
    }

    /**
     * Whether the mechanism sends the password itself to the server (PLAIN, LOGIN), as opposed to a proof of it.
     *
     * @return true for PLAIN and LOGIN
     */
    public boolean sendsPassword() {
        return this == PLAIN || this == LOGIN;
    }

    /**
     * The mechanism of a SASL name, in any case.
     *
     * @param name e.g. {@code scram-sha-256}
     * @return the mechanism
     * @throws IllegalArgumentException if the library has no such mechanism
     */
    public static AuthMechanism fromSaslName(String name) {
        String upper = name.strip().toUpperCase(Locale.ROOT);
        for (AuthMechanism m : values()) {
            if (m.saslName.equals(upper) || m.name().equals(upper)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mechanism '" + name + "': use one of SCRAM-SHA-256, SCRAM-SHA-1, "
                + "PLAIN, LOGIN, OAUTHBEARER, XOAUTH2");
    }
}
