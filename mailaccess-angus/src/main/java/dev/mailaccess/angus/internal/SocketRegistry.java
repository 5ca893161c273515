package dev.mailaccess.angus.internal;

import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Remembers every socket a session opens, so that {@link #closeAll()} can cut them from another thread and make a
 * blocked call fail at once. Hands Angus socket factories that register what they create.
 */
public final class SocketRegistry {
    private final Set<Socket> sockets = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private volatile Socket latest;

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
            @Override
            public Socket createSocket() throws IOException {
                return track(base.createSocket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return track(base.createSocket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return track(base.createSocket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return track(base.createSocket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return track(base.createSocket(address, port, localAddress, localPort));
            }
        };
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
                return track(s);
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
