package dev.mailaccess.angus.internal;

import dev.mailaccess.MailProxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Opens a tunnel through a {@link MailProxy} on a socket: SOCKS5 (RFC 1928, user name and password per RFC 1929)
 * or HTTP {@code CONNECT}. The whole of connecting to the proxy and the handshake is bounded by the connect timeout,
 * and what the proxy may send by {@link #MAX_HTTP_HEADER} bytes; the proxy's password appears in no message.
 */
public final class ProxyTunnel {
    /** The most an HTTP proxy's answer to CONNECT may hold, status line and headers together. */
    static final int MAX_HTTP_HEADER = 16 * 1024;

    private final MailProxy proxy;
    private final Duration timeout;

    /**
     * A tunnel maker.
     *
     * @param proxy   the proxy
     * @param timeout the bound on connecting to the proxy and its handshake together
     */
    public ProxyTunnel(MailProxy proxy, Duration timeout) {
        this.proxy = proxy;
        this.timeout = timeout;
    }

    /** The proxy, for messages. */
    String describe() {
        return proxy.type() + " proxy " + proxy.host() + ":" + proxy.port();
    }

    /**
     * Connects {@code raw} to the proxy and asks it for a tunnel to {@code target}.
     *
     * @throws IOException when the proxy cannot be reached, refuses, answers nonsense, or takes too long
     */
    void open(Socket raw, InetSocketAddress target) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        raw.connect(new InetSocketAddress(proxy.host(), proxy.port()), (int) Math.max(1, timeout.toMillis()));
        int before = raw.getSoTimeout();
        try {
            Bounded in = new Bounded(raw.getInputStream(), raw, deadline);
            OutputStream out = raw.getOutputStream();
            String host = target.getHostString();
            if (proxy.type() == MailProxy.Type.SOCKS5) {
                socks5(in, out, host, target.getPort());
            } else {
                httpConnect(in, out, host, target.getPort());
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("the " + describe() + " did not open the tunnel within " + timeout);
        } finally {
            if (!raw.isClosed()) {
                raw.setSoTimeout(before);
            }
        }
    }

    private void socks5(Bounded in, OutputStream out, String host, int port) throws IOException {
        boolean credentials = proxy.user() != null;
        out.write(credentials ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
        out.flush();
        int version = in.read();
        int method = in.read();
        if (version != 5) {
            throw new ProxyRefusedException("the " + describe() + " does not speak SOCKS5");
        }
        if (method == 2 && credentials) {
            byte[] user = proxy.user().getBytes(StandardCharsets.UTF_8);
            byte[] pass = proxy.password().getBytes(StandardCharsets.UTF_8);
            byte[] auth = new byte[3 + user.length + pass.length];
            auth[0] = 1;
            auth[1] = (byte) user.length;
            System.arraycopy(user, 0, auth, 2, user.length);
            auth[2 + user.length] = (byte) pass.length;
            System.arraycopy(pass, 0, auth, 3 + user.length, pass.length);
            out.write(auth);
            out.flush();
            in.read(); // sub-negotiation version
            if (in.read() != 0) {
                throw new ProxyRefusedException("the " + describe() + " refused the user name or password for "
                        + proxy.user());
            }
        } else if (method != 0) {
            throw new ProxyRefusedException("the " + describe() + " accepts no authentication method offered ("
                    + (credentials ? "none, user name and password" : "none; it may want a user name and password")
                    + ")");
        }
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 255) {
            throw new ProxyRefusedException("host name too long for SOCKS5: " + host);
        }
        byte[] request = new byte[7 + name.length];
        request[0] = 5;
        request[1] = 1; // CONNECT
        request[3] = 3; // a domain name: the proxy resolves it
        request[4] = (byte) name.length;
        System.arraycopy(name, 0, request, 5, name.length);
        request[5 + name.length] = (byte) (port >> 8);
        request[6 + name.length] = (byte) port;
        out.write(request);
        out.flush();
        if (in.read() != 5) {
            throw new ProxyRefusedException("the " + describe() + " answered CONNECT with something other than SOCKS5");
        }
        int reply = in.read();
        in.read(); // reserved
        int type = in.read();
        int addressLength = switch (type) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> in.read();
            default -> throw new ProxyRefusedException("the " + describe() + " sent an unknown address type " + type);
        };
        in.skip(addressLength + 2);
        if (reply != 0) {
            throw new ProxyRefusedException("the " + describe() + " refused the tunnel to " + host + ":" + port + ": "
                    + socksReply(reply), reply != 2 && reply != 7 && reply != 8);
        }
    }

    private static String socksReply(int code) {
        return switch (code) {
            case 1 -> "general failure";
            case 2 -> "not allowed by its rules";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "reply " + code;
        };
    }

    private void httpConnect(Bounded in, OutputStream out, String host, int port) throws IOException {
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        StringBuilder request = new StringBuilder()
                .append("CONNECT ").append(authority).append(" HTTP/1.1\r\n")
                .append("Host: ").append(authority).append("\r\n");
        if (proxy.user() != null) {
            request.append("Proxy-Authorization: Basic ").append(Base64.getEncoder().encodeToString(
                    (proxy.user() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8))).append("\r\n");
        }
        request.append("\r\n");
        out.write(request.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        String status = in.line();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new ProxyRefusedException("the " + describe() + " answered CONNECT with '" + abbreviate(status)
                    + "', not HTTP");
        }
        while (!in.line().isEmpty()) {
            // headers: read to the blank line, within the bound
        }
        if (!parts[1].startsWith("2")) {
            throw new ProxyRefusedException("the " + describe() + " refused the tunnel to " + authority + ": "
                    + abbreviate(status) + (parts[1].equals("407") ? (proxy.user() == null
                    ? " (it wants a user name and password)" : " (user name or password refused)") : ""),
                    parts[1].startsWith("5"));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "…";
    }

    /** The proxy refused or answered nonsense. */
    public static final class ProxyRefusedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean retryable;

        ProxyRefusedException(String message) {
            this(message, false);
        }

        ProxyRefusedException(String message, boolean retryable) {
            super(message);
            this.retryable = retryable;
        }

        /**
         * Whether trying again later may work: the proxy could not reach the server, failed, or hung up; not when it
         * refused the credentials or the request, or spoke another protocol.
         *
         * @return true for a refusal that may pass later
         */
        public boolean retryable() {
            return retryable;
        }
    }

    /** Reads the proxy's answer within the deadline and the byte bound; end of stream is an error. */
    private final class Bounded {
        private final InputStream in;
        private final Socket socket;
        private final long deadline;
        private int count;

        Bounded(InputStream in, Socket socket, long deadline) {
            this.in = in;
            this.socket = socket;
            this.deadline = deadline;
        }

        int read() throws IOException {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException("proxy handshake");
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
            int b = in.read();
            if (b < 0) {
                throw new ProxyRefusedException("the " + describe() + " closed the connection during the handshake",
                        true);
            }
            if (++count > MAX_HTTP_HEADER) {
                throw new ProxyRefusedException("the " + describe() + " sent more than " + MAX_HTTP_HEADER
                        + " bytes in its handshake");
            }
            return b;
        }

        void skip(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                read();
            }
        }

        String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = read()) != '\n') {
                if (b != '\r') {
                    sb.append((char) b);
                }
            }
            return sb.toString();
        }
    }
}
