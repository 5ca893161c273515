package dev.mailaccess.angus.internal;

import dev.mailaccess.Credentials;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import jakarta.mail.Session;

import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Translates a {@link MailboxConfig} into an Angus {@link Session}: timeouts on every socket operation (Angus waits
 * forever by default), TLS with certificate and host-name checks, STARTTLS required where asked, and sockets that a
 * {@link SocketRegistry} can cut.
 */
public final class AngusSessions {
    /** One daemon thread enforces write timeouts for every connection, instead of one thread per connection. */
    private static final ScheduledExecutorService WRITE_TIMEOUTS = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "mailaccess-write-timeout");
        t.setDaemon(true);
        return t;
    });

    private AngusSessions() {
    }

    /** The library's one timer thread (write timeouts, logout watchdogs). */
    static ScheduledExecutorService timer() {
        return WRITE_TIMEOUTS;
    }

    /**
     * Builds a session.
     *
     * @param protocol Angus protocol name: {@code imap}, {@code imaps}, {@code pop3} or {@code pop3s}
     * @param extra    protocol-specific properties, without the {@code mail.<protocol>.} prefix
     */
    public static Session create(MailboxConfig config, String protocol, SocketRegistry sockets, Properties extra) {
        String p = "mail." + protocol + ".";
        if (config.proxy() != null) {
            // Angus connects implicit-TLS sockets itself: through a proxy the plain factory's socket starts TLS
            // after the tunnel, so Angus is told the connection is plain (see angusProtocol)
            sockets.throughProxy(new ProxyTunnel(config.proxy(), config.connectTimeout()),
                    config.tlsMode() == TlsMode.IMPLICIT
                            ? sockets.tls(TrustStores.socketFactory(config.trustedCertificates())) : null);
        }
        Properties props = new Properties();
        props.put(p + "host", config.host());
        props.put(p + "port", Integer.toString(config.port()));
        props.put(p + "connectiontimeout", Long.toString(config.connectTimeout().toMillis()));
        props.put(p + "timeout", Long.toString(config.readTimeout().toMillis()));
        props.put(p + "writetimeout", Long.toString(config.readTimeout().toMillis()));
        props.put(p + "executor.writetimeout", WRITE_TIMEOUTS);
        props.put(p + "socketFactory", sockets.plain());
        props.put(p + "socketFactory.fallback", "false");
        if (config.tlsMode() != TlsMode.NONE) {
            props.put(p + "ssl.socketFactory", sockets.tls(TrustStores.socketFactory(config.trustedCertificates())));
            props.put(p + "ssl.checkserveridentity", "true");
        }
        switch (config.tlsMode()) {
            case IMPLICIT -> props.put(p + "ssl.enable", Boolean.toString(config.proxy() == null));
            case STARTTLS -> {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true");
            }
            case NONE -> {
                props.put(p + "starttls.enable", "false");
            }
        }
        if (config.credentials() instanceof Credentials.OAuth2) {
            props.put(p + "auth.mechanisms", "XOAUTH2");
            props.put(p + "auth.xoauth2.disable", "false");
        }
        // Real mail has addresses that fail RFC 822's syntax ("From: nodomain"). Strict parsing made Angus drop such
        // a message's whole FETCH answer (IMAP) and fail to read its envelope; a reader keeps what is there.
        props.put("mail.mime.address.strict", "false");
        props.put(limitsKey("mail." + protocol), config.limits());
        props.put(configKey("mail." + protocol), config);
        extra.forEach((k, v) -> props.put(p + k, v));
        return Session.getInstance(props);
    }

    /**
     * The Angus protocol name for a configuration: {@code base} (imap, pop3) with an {@code s} for implicit TLS,
     * except through a proxy, where TLS starts inside the tunnel socket and Angus sees a plain connection.
     *
     * @param config the configuration
     * @param base   {@code imap} or {@code pop3}
     * @return e.g. {@code imaps}
     */
    public static String angusProtocol(MailboxConfig config, String base) {
        return config.tlsMode() == TlsMode.IMPLICIT && config.proxy() == null ? base + "s" : base;
    }

    /**
     * The session property under which the {@link dev.mailaccess.ServerLimits} of a connection with property prefix
     * {@code prefix} (e.g. {@code mail.imaps}) are found.
     */
    public static String limitsKey(String prefix) {
        return prefix + ".mailaccess.limits";
    }

    /**
     * The session property under which the whole {@link MailboxConfig} of a connection with property prefix
     * {@code prefix} is found (an adapter's own login reads the credentials there at every connection).
     */
    public static String configKey(String prefix) {
        return prefix + ".mailaccess.config";
    }

    /** The secret to pass to {@code Service.connect}: the password, or a fresh OAuth2 token. */
    public static String secret(MailboxConfig config) {
        Credentials c = config.credentials();
        if (c instanceof Credentials.Password pw) {
            return pw.reveal();
        }
        if (c instanceof Credentials.OAuth2 o) {
            return o.currentToken();
        }
        throw new IllegalArgumentException("no credentials configured for " + config.displayUri());
    }
}
