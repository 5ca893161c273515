package dev.mailaccess.angus.internal;

import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Remembers every socket a session opens, so that {@link #closeAll()} can cut them from another thread and make a
 * blocked call fail at once. Hands Angus socket factories that register what they create and, where a
 * {@link ConnectionGuard.Factory} is given, put a guard on each connection's plaintext.
 */
public final class SocketRegistry {
    private final Set<Socket> sockets = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final ConnectionGuard.Factory guards;
    /** Guards of plain sockets that TLS may still be started over (STARTTLS / STLS). */
    private final List<ConnectionGuard> plainGuards = new ArrayList<>();
    /** Every guard made, newest last. */
    private final List<ConnectionGuard> allGuards = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Socket latest;
    private ProxyTunnel tunnel;
    private SSLSocketFactory implicitTls;

    /** A registry whose sockets are not guarded (the protocol's reader bounds itself). */
    public SocketRegistry() {
        this(null);
    }

    /** A registry that guards every connection with a guard from {@code guards}. */
    public SocketRegistry(ConnectionGuard.Factory guards) {
        this.guards = guards;
    }

    /**
     * Makes every connection of this registry's plain factory go through a proxy.
     *
     * @param tunnel      the proxy's tunnel maker
     * @param implicitTls for implicit TLS, the factory (one of {@link #tls}) that starts TLS through the tunnel;
     *                    null where the connection starts plain
     */
    public void throughProxy(ProxyTunnel tunnel, SSLSocketFactory implicitTls) {
        this.tunnel = tunnel;
        this.implicitTls = implicitTls;
    }

    /**
     * Closes every socket {@code after} from now unless the returned handle is closed first: a bound on a goodbye
     * whose answer nothing depends on (IMAP LOGOUT), so a server silent at the end costs seconds, not a read timeout.
     */
    public AutoCloseable closeAllAfter(java.time.Duration after) {
        java.util.concurrent.ScheduledFuture<?> cut = AngusSessions.timer().schedule(this::closeAll,
                after.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return () -> cut.cancel(false);
    }

    /** Closes every socket opened so far. */
    public void closeAll() {
        Socket[] open;
        synchronized (sockets) {
            open = sockets.toArray(new Socket[0]);
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing to abort: nothing more to do
            }
        }
    }

    private <S extends Socket> S track(S socket) {
        sockets.add(socket);
        latest = socket;
        noDelay(socket);
        return socket;
    }

    /**
     * The socket created last if it is still open (over STARTTLS: the TLS socket layered on the plain one), else
     * null. For a one-connection session (POP3) this is the connection itself.
     */
    public Socket latest() {
        Socket s = latest;
        return s == null || s.isClosed() ? null : s;
    }

    /**
     * Turns Nagle's algorithm off. Angus sends an IMAP literal (APPEND) in more than one write; with Nagle on, the
     * last small write waits for the server's delayed ACK (40 ms on Linux, up to 200 ms elsewhere), which made every
     * APPEND cost about 45 ms on loopback instead of about 2 ms. Commands are written whole and flushed, so there is
     * nothing for Nagle to coalesce.
     */
    private static void noDelay(Socket socket) {
        try {
            socket.setTcpNoDelay(true);
        } catch (SocketException ignored) {
            // an option the platform refuses only costs latency
        }
    }

    /** A plain socket factory that registers its sockets. */
    public SocketFactory plain() {
        SocketFactory base = SocketFactory.getDefault();
        return new SocketFactory() {
            /** Angus creates an unconnected socket and connects it with its timeout. */
            @Override
            public Socket createSocket() throws IOException {
                if (tunnel != null) {
                    return track(tunneled());
                }
                if (guards == null) {
                    return track(base.createSocket());
                }
                ConnectionGuard guard = guards.create(true);
                allGuards.add(guard);
                synchronized (plainGuards) {
                    plainGuards.add(guard);
                }
                return track(new GuardedSocket(guard));
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(createSocket(), new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return connected(createSocket(), new InetSocketAddress(host, port),
                        new InetSocketAddress(localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return connected(createSocket(), new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return connected(createSocket(), new InetSocketAddress(address, port),
                        new InetSocketAddress(localAddress, localPort));
            }
        };
    }

    /** A socket through the proxy: guarded on its plaintext unless TLS starts at once (the TLS socket is). */
    private Socket tunneled() {
        if (guards == null || implicitTls != null) {
            return new TunnelSocket(tunnel, null, implicitTls);
        }
        ConnectionGuard guard = guards.create(true);
        allGuards.add(guard);
        synchronized (plainGuards) {
            plainGuards.add(guard);
        }
        return new TunnelSocket(tunnel, guard, null);
    }

    private static Socket connected(Socket s, InetSocketAddress remote, InetSocketAddress local) throws IOException {
        if (local != null) {
            s.bind(local);
        }
        s.connect(remote);
        return s;
    }

    /**
     * The TLS socket as the session sees it: behind a guard of its own where connections are guarded. TLS over a
     * guarded plain socket (STARTTLS) turns that socket's guard into a pass-through (it now sees ciphertext); the
     * new guard then expects no greeting.
     */
    private Socket guardedTls(Socket tls) {
        if (guards == null || !(tls instanceof SSLSocket ssl)) {
            return tls;
        }
        boolean overPlain;
        synchronized (plainGuards) {
            overPlain = !plainGuards.isEmpty();
            plainGuards.forEach(ConnectionGuard::passThrough);
            plainGuards.clear();
        }
        ConnectionGuard guard = guards.create(!overPlain);
        allGuards.add(guard);
        return new GuardedSslSocket(ssl, guard);
    }

    /** How a guard cut a connection, the latest such failure, or null. */
    public java.io.IOException guardFailure() {
        java.io.IOException found = null;
        for (ConnectionGuard g : allGuards) {
            if (g.failure() != null) {
                found = g.failure();
            }
        }
        return found;
    }

    /** A TLS socket factory over {@code base} that registers its sockets and verifies the host name. */
    public SSLSocketFactory tls(SSLSocketFactory base) {
        return new SSLSocketFactory() {
            private Socket configure(Socket s) {
                if (s instanceof SSLSocket ssl) {
                    SSLParameters params = ssl.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(params);
                }
                return track(guardedTls(s));
            }

            @Override
            public String[] getDefaultCipherSuites() {
                return base.getDefaultCipherSuites();
            }

            @Override
            public String[] getSupportedCipherSuites() {
                return base.getSupportedCipherSuites();
            }

            @Override
            public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
                return configure(base.createSocket(s, host, port, autoClose));
            }

            @Override
            public Socket createSocket() throws IOException {
                return configure(base.createSocket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return configure(base.createSocket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return configure(base.createSocket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return configure(base.createSocket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return configure(base.createSocket(address, port, localAddress, localPort));
            }
        };
    }
}
