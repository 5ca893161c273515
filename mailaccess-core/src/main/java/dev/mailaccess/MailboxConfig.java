package dev.mailaccess;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to reach a mailbox: protocol, host, port, user, credentials, TLS, trust and timeouts. Immutable;
 * build one with {@link #builder()} or {@link #fromUri(URI)} and derive changed copies with {@link #toBuilder()}.
 *
 * <p>Defaults are safe: TLS with certificate and host-name verification, a 20 s connect timeout and a 60 s read
 * timeout (Jakarta Mail's own default is to wait forever), cleartext only when {@link TlsMode#NONE} is chosen, and
 * no emulated operations unless {@link Builder#allowEmulation(boolean)} says so, and {@link ServerLimits} that keep a
 * broken server from exhausting memory or time. {@code toString()} never shows the
 * password.
 */
public final class MailboxConfig {
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** Default read and write timeout. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private final String protocol;
    private final String host;
    private final int port;
    private final String user;
    private final Credentials credentials;
    private final TlsMode tlsMode;
    private final List<X509Certificate> trustedCertificates;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final boolean allowEmulation;
    private final ServerLimits limits;
    private final AuthMechanism authMechanism;
    private final boolean compression;
    private final MailProxy proxy;
    private final Map<String, String> clientId;

    private MailboxConfig(Builder b) {
        this.protocol = canonicalProtocol(Objects.requireNonNull(b.protocol, "protocol"));
        this.host = Objects.requireNonNull(b.host, "host");
        this.tlsMode = Objects.requireNonNull(b.tlsMode, "tlsMode");
        this.port = b.port > 0 ? b.port : defaultPort(protocol, tlsMode);
        this.user = Objects.requireNonNull(b.user, "user");
        this.credentials = b.credentials;
        this.trustedCertificates = List.copyOf(b.trustedCertificates);
        this.connectTimeout = positive(b.connectTimeout, "connectTimeout");
        this.readTimeout = positive(b.readTimeout, "readTimeout");
        this.allowEmulation = b.allowEmulation;
        this.limits = Objects.requireNonNull(b.limits, "limits");
        this.authMechanism = b.authMechanism;
        this.compression = b.compression;
        this.proxy = b.proxy;
        this.clientId = Collections.unmodifiableMap(new LinkedHashMap<>(b.clientId));
        if (authMechanism != null && credentials != null
                && authMechanism.usesPassword() != (credentials instanceof Credentials.Password)) {
            throw new IllegalArgumentException("mechanism " + authMechanism.saslName() + " takes "
                    + (authMechanism.usesPassword() ? "a password" : "an OAuth2 token") + ", but the credentials are "
                    + (credentials instanceof Credentials.Password ? "a password" : "an OAuth2 token"));
        }
        if (port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /**
     * The canonical protocol name for a scheme: {@code imaps} gives {@code imap}, {@code pop3s} gives {@code pop3}.
     *
     * @param p a scheme or protocol name, in any case
     * @return {@code imap}, {@code pop3}, or any other name in lower case
     */
    public static String canonicalProtocol(String p) {
        String lower = p.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "imap", "imaps" -> "imap";
            case "pop3", "pop3s", "pop" -> "pop3";
            default -> lower;
        };
    }

    private static int defaultPort(String protocol, TlsMode tls) {
        boolean implicit = tls == TlsMode.IMPLICIT;
        return switch (protocol) {
            case "imap" -> implicit ? 993 : 143;
            case "pop3" -> implicit ? 995 : 110;
            default -> throw new IllegalArgumentException("no default port for protocol " + protocol);
        };
    }

    /**
     * A new builder with safe defaults (STARTTLS, default timeouts). Protocol, host and user must be set.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code imaps://user@host[:port]}, {@code imap://...}, {@code pop3s://...} or {@code pop3://...}.
     * The {@code s} schemes use implicit TLS; the others require STARTTLS. The user part is URL-decoded. A password
     * in the URI is rejected: pass credentials separately.
     *
     * @param uri the account, e.g. {@code imaps://alice@mail.example.org}
     * @return a builder with protocol, host, port, user and TLS mode set; add the credentials
     * @throws IllegalArgumentException on an unknown scheme, a missing host or user, or a password in the URI
     */
    public static Builder fromUri(URI uri) {
        String scheme = Objects.requireNonNull(uri.getScheme(), "URI has no scheme: " + uri).toLowerCase(Locale.ROOT);
        TlsMode tls = switch (scheme) {
            case "imaps", "pop3s" -> TlsMode.IMPLICIT;
            case "imap", "pop3" -> TlsMode.STARTTLS;
            default -> throw new IllegalArgumentException(
                    "unknown scheme '" + scheme + "': use imaps, imap, pop3s or pop3");
        };
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("URI has no user: write " + scheme + "://user@" + uri.getHost());
        }
        if (userInfo.contains(":")) {
            throw new IllegalArgumentException("a password in the URI is not accepted; pass credentials separately");
        }
        String user = URLDecoder.decode(userInfo.replace("+", "%2B"), StandardCharsets.UTF_8);
        return builder().protocol(scheme).host(uri.getHost()).port(uri.getPort()).user(user).tlsMode(tls);
    }

    /**
     * A builder holding this configuration, to derive a changed copy.
     *
     * @return a new builder; changing it leaves this configuration as it is
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocol = protocol;
        b.host = host;
        b.port = port;
        b.user = user;
        b.credentials = credentials;
        b.tlsMode = tlsMode;
        b.trustedCertificates = new ArrayList<>(trustedCertificates);
        b.connectTimeout = connectTimeout;
        b.readTimeout = readTimeout;
        b.allowEmulation = allowEmulation;
        b.limits = limits;
        b.authMechanism = authMechanism;
        b.compression = compression;
        b.proxy = proxy;
        b.clientId = new LinkedHashMap<>(clientId);
        return b;
    }

    /**
     * The protocol, in canonical form.
     *
     * @return {@code imap} or {@code pop3} (or another adapter's protocol name); never {@code imaps} or {@code pop3s}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The server.
     *
     * @return the host name or address
     */
    public String host() {
        return host;
    }

    /**
     * The server's port.
     *
     * @return the port set, or the protocol's standard port for the TLS mode (993, 143, 995 or 110)
     */
    public int port() {
        return port;
    }

    /**
     * The user to log in as.
     *
     * @return the user name, as decoded from the URI where it came from one
     */
    public String user() {
        return user;
    }

    /**
     * How to log in.
     *
     * @return the credentials; null when the adapter needs none (never for IMAP or POP3 logins)
     */
    public Credentials credentials() {
        return credentials;
    }

    /**
     * How the connection is protected.
     *
     * @return the TLS mode, {@link TlsMode#STARTTLS} unless set
     */
    public TlsMode tlsMode() {
        return tlsMode;
    }

    /**
     * Certificates trusted in addition to the JDK's default trust store.
     *
     * @return an immutable list, empty unless {@link Builder#trust} was called
     */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /**
     * How long connecting (TCP and TLS handshake) may take.
     *
     * @return the timeout, {@link #DEFAULT_CONNECT_TIMEOUT} unless set
     */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long one read or write on the connection may wait.
     *
     * @return the timeout, {@link #DEFAULT_READ_TIMEOUT} unless set
     */
    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * Whether {@link Support#EMULATED} operations may run.
     *
     * @return false unless allowed with {@link Builder#allowEmulation(boolean)}
     */
    public boolean allowEmulation() {
        return allowEmulation;
    }

    /**
     * The bounds on what the server may send: sizes, counts, slowness.
     *
     * @return the limits, {@link ServerLimits#DEFAULT} unless set
     */
    public ServerLimits limits() {
        return limits;
    }

    /**
     * The login mechanism chosen by the caller.
     *
     * @return the mechanism, or null (the default) for the strongest both sides have
     */
    public AuthMechanism authMechanism() {
        return authMechanism;
    }

    /**
     * Whether the connection is compressed where the server offers it (IMAP COMPRESS=DEFLATE).
     *
     * @return true unless turned off with {@link Builder#compression(boolean)}
     */
    public boolean compression() {
        return compression;
    }

    /**
     * The proxy to connect through.
     *
     * @return the proxy, or null (the default) to connect directly
     */
    public MailProxy proxy() {
        return proxy;
    }

    /**
     * What the client tells an IMAP server about itself with the ID command (RFC 2971).
     *
     * @return field names to values, in order; empty (the default): no ID is sent
     */
    public Map<String, String> clientId() {
        return clientId;
    }

    /**
     * A URI for display, e.g. {@code imaps://alice@mail.example.org:993}; never contains a secret.
     *
     * @return scheme (with {@code s} for implicit TLS), user, host and port
     */
    public String displayUri() {
        String scheme = protocol + (tlsMode == TlsMode.IMPLICIT ? "s" : "");
        return scheme + "://" + user + "@" + host + ":" + port;
    }

    @Override
    public String toString() {
        return "MailboxConfig[" + displayUri() + ", tls=" + tlsMode + ", credentials="
                + (credentials == null ? "none" : credentials) + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout + ", allowEmulation=" + allowEmulation
                + (limits.equals(ServerLimits.DEFAULT) ? "" : ", limits=" + limits)
                + (authMechanism == null ? "" : ", authMechanism=" + authMechanism.saslName())
                + (compression ? "" : ", compression=off")
                + (proxy == null ? "" : ", proxy=" + proxy)
                + (clientId.isEmpty() ? "" : ", clientId=" + clientId) + "]";
    }

    /** Builder for {@link MailboxConfig}. */
    public static final class Builder {
        private String protocol;
        private String host;
        private int port = -1;
        private String user;
        private Credentials credentials;
        private TlsMode tlsMode = TlsMode.STARTTLS;
        private List<X509Certificate> trustedCertificates = new ArrayList<>();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private boolean allowEmulation;
        private ServerLimits limits = ServerLimits.DEFAULT;
        private AuthMechanism authMechanism;
        private boolean compression = true;
        private MailProxy proxy;
        private Map<String, String> clientId = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The protocol. Required.
         *
         * @param protocol {@code imap}, {@code imaps}, {@code pop3} or {@code pop3s}; the {@code s} is only a name
         *                 here: TLS is set by {@link #tlsMode}
         * @return this builder
         */
        public Builder protocol(String protocol) {
            this.protocol = protocol;
            return this;
        }

        /**
         * The server. Required.
         *
         * @param host host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * The server's port.
         *
         * @param port a port, or -1 (the default) for the protocol's standard port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * The user to log in as. Required.
         *
         * @param user the user name
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * How to log in.
         *
         * @param credentials a password or an OAuth2 token supplier
         * @return this builder
         */
        public Builder credentials(Credentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * Shorthand for {@code credentials(Credentials.password(password))}.
         *
         * @param password the password
         * @return this builder
         * @throws NullPointerException if {@code password} is null
         */
        public Builder password(String password) {
            return credentials(Credentials.password(password));
        }

        /**
         * How the connection is protected (default {@link TlsMode#STARTTLS}).
         *
         * @param tlsMode the TLS mode; {@link TlsMode#NONE} sends the password in clear text
         * @return this builder
         */
        public Builder tlsMode(TlsMode tlsMode) {
            this.tlsMode = tlsMode;
            return this;
        }

        /**
         * Trust this certificate (a CA or the server's own) in addition to the JDK's default trust store. May be
         * called more than once.
         *
         * @param certificate the certificate
         * @return this builder
         * @throws NullPointerException if {@code certificate} is null
         */
        public Builder trust(X509Certificate certificate) {
            this.trustedCertificates.add(Objects.requireNonNull(certificate));
            return this;
        }

        /**
         * How long connecting (TCP and TLS handshake) may take (default {@link #DEFAULT_CONNECT_TIMEOUT}).
         *
         * @param connectTimeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Timeout for each read and write on the connection (default {@link #DEFAULT_READ_TIMEOUT}).
         *
         * @param readTimeout a positive duration
         * @return this builder
         */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /**
         * Let {@link Support#EMULATED} operations run; they may download a lot (each reason says what).
         *
         * @param allowEmulation true to allow them (default false)
         * @return this builder
         */
        public Builder allowEmulation(boolean allowEmulation) {
            this.allowEmulation = allowEmulation;
            return this;
        }

        /**
         * The bounds on what the server may send before the session is ended with a typed error. The defaults suit
         * every working server; raise one only for a server known to need it (e.g. a folder of more than
         * {@link ServerLimits#maxMessages()} messages).
         *
         * @param limits the bounds, e.g. {@code ServerLimits.DEFAULT.withMaxMessages(20_000_000)}
         * @return this builder
         */
        public Builder limits(ServerLimits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * Pins the login mechanism. Unset (null, the default), a session takes the strongest mechanism both sides
         * have, in {@link AuthMechanism}'s order, and never sends a password in the clear unless
         * {@link TlsMode#NONE} was chosen. Set, the session uses this one: a server that does not offer it, or an
         * adapter that cannot speak it, fails the connection before any secret is sent
         * ({@link UnsupportedCapabilityException} naming {@link Capability#SASL_LOGIN}, or
         * {@link AuthenticationException}).
         *
         * @param mechanism the mechanism, or null for the automatic choice; must fit the credentials (checked by
         *                  {@link #build()})
         * @return this builder
         */
        public Builder authMechanism(AuthMechanism mechanism) {
            this.authMechanism = mechanism;
            return this;
        }

        /**
         * Compress the connection where the server offers it (IMAP COMPRESS=DEFLATE, RFC 4978): listings and headers
         * shrink three to five times on slow links. On by default.
         *
         * @param compression false to send and receive uncompressed (e.g. to read the traffic)
         * @return this builder
         */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Connect through a SOCKS5 or HTTP CONNECT proxy.
         *
         * @param proxy the proxy, or null (the default) to connect directly
         * @return this builder
         */
        public Builder proxy(MailProxy proxy) {
            this.proxy = proxy;
            return this;
        }

        /**
         * What to tell an IMAP server that announces ID (RFC 2971), right after login, e.g.
         * {@code Map.of("name", "myapp", "version", "1.0")}. Some servers (NetEase's 163.com, 126.com) refuse SELECT
         * until a client identifies itself. Empty by default: no ID command is sent.
         *
         * @param clientId field names to values (at most 30 fields, names up to 30 bytes, values up to 1024)
         * @return this builder
         * @throws IllegalArgumentException if the map breaks RFC 2971's limits
         */
        public Builder clientId(Map<String, String> clientId) {
            if (clientId.size() > 30) {
                throw new IllegalArgumentException("an ID has at most 30 fields");
            }
            clientId.forEach((k, v) -> {
                if (k.isEmpty() || k.length() > 30 || (v != null && v.length() > 1024)) {
                    throw new IllegalArgumentException("ID field names are 1 to 30 bytes and values at most 1024: "
                            + k);
                }
            });
            this.clientId = new LinkedHashMap<>(clientId);
            return this;
        }

        /**
         * The configuration; the builder may be reused.
         *
         * @return the configuration, with the standard port filled in where none was set
         * @throws NullPointerException     if protocol, host, user, TLS mode, a timeout or the limits are missing
         * @throws IllegalArgumentException if a timeout is not positive, the port is out of range, no port was
         *                                  set for a protocol without a standard one, or the pinned mechanism does
         *                                  not fit the credentials
         */
        public MailboxConfig build() {
            return new MailboxConfig(this);
        }
    }
}
