package dev.mailaccess;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * A proxy to reach the mail server through, for {@link MailboxConfig.Builder#proxy(MailProxy)}: SOCKS5 (RFC 1928,
 * with RFC 1929 user name and password where given) or an HTTP proxy's {@code CONNECT} tunnel (Basic
 * authentication where given). TLS runs end to end through the tunnel, so the proxy sees only ciphertext (except with
 * {@link TlsMode#NONE}). The host name goes to the proxy, which resolves it. The handshake with the proxy is bounded
 * by the connect timeout and in size. Immutable; {@code toString()} never shows the password.
 *
 * @param type     SOCKS5 or HTTP CONNECT
 * @param host     the proxy's host
 * @param port     the proxy's port, 1 to 65535
 * @param user     the user name for the proxy, or null for none
 * @param password the password for the proxy, or null for none; set exactly when {@code user} is
 */
public record MailProxy(Type type, String host, int port, String user, String password) {

    /** The kind of proxy. */
    public enum Type {
        /** A SOCKS version 5 proxy (RFC 1928). */
        SOCKS5,
        /** An HTTP proxy that opens tunnels with {@code CONNECT host:port}. */
        HTTP_CONNECT
    }

    /**
     * Checks the values.
     *
     * @param type     SOCKS5 or HTTP CONNECT
     * @param host     the proxy's host
     * @param port     the proxy's port, 1 to 65535
     * @param user     the user name for the proxy, or null for none
     * @param password the password for the proxy, or null for none
     * @throws NullPointerException     if type or host is null
     * @throws IllegalArgumentException if the port is out of range, or only one of user and password is given
     */
    public MailProxy {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("proxy port out of range: " + port);
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("a proxy user needs a password, and a password a user");
        }
        if (user != null && (user.length() > 255 || password.length() > 255) && type == Type.SOCKS5) {
            throw new IllegalArgumentException("SOCKS5 user names and passwords are at most 255 bytes");
        }
    }

    /**
     * A SOCKS5 proxy without authentication.
     *
     * @param host the proxy's host
     * @param port the proxy's port
     * @return the proxy
     */
    public static MailProxy socks5(String host, int port) {
        return new MailProxy(Type.SOCKS5, host, port, null, null);
    }

    /**
     * An HTTP CONNECT proxy without authentication.
     *
     * @param host the proxy's host
     * @param port the proxy's port
     * @return the proxy
     */
    public static MailProxy httpConnect(String host, int port) {
        return new MailProxy(Type.HTTP_CONNECT, host, port, null, null);
    }

    /**
     * This proxy with a user name and password.
     *
     * @param user     the user name
     * @param password the password, sent to the proxy only
     * @return a new proxy value
     */
    public MailProxy withCredentials(String user, String password) {
        return new MailProxy(type, host, port, Objects.requireNonNull(user, "user"),
                Objects.requireNonNull(password, "password"));
    }

    /**
     * Parses {@code socks5://host:port} or {@code http://host:port}; credentials never come from the URI (add them
     * with {@link #withCredentials}).
     *
     * @param uri the proxy
     * @return the proxy, without credentials
     * @throws IllegalArgumentException on another scheme, a missing host or port, or user information in the URI
     */
    public static MailProxy fromUri(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        Type type = switch (scheme) {
            case "socks5", "socks" -> Type.SOCKS5;
            case "http" -> Type.HTTP_CONNECT;
            default -> throw new IllegalArgumentException("unknown proxy scheme '" + scheme
                    + "': use socks5://host:port or http://host:port");
        };
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("a proxy needs a host and a port: " + type + "://host:port");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("no user or password in the proxy URI: pass them separately");
        }
        return new MailProxy(type, uri.getHost(), uri.getPort(), null, null);
    }

    @Override
    public String toString() {
        return "MailProxy[" + type + " " + (user == null ? "" : user + "@") + host + ":" + port
                + (password == null ? "" : ", password=****") + "]";
    }
}
