package dev.mailaccess.angus.internal;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * A socket Angus connects as usual, that reaches the server through a {@link ProxyTunnel}: {@link #connect} connects
 * to the proxy, opens the tunnel, and, for implicit TLS, starts TLS with the server through it (certificate and host
 * name checked against the mail server, not the proxy). Every other call goes to the connection made. Where a guard is
 * given, it watches the plaintext as {@link GuardedSocket} does.
 */
final class TunnelSocket extends Socket {
    private final ProxyTunnel tunnel;
    private final ConnectionGuard guard;
    private final SSLSocketFactory implicitTls;
    private final Socket raw = new Socket();
    private volatile Socket connection;
    private InputStream in;
    private OutputStream out;
    private int soTimeout;

    /**
     * @param implicitTls where TLS starts at once (imaps, pop3s): the factory that layers it over the tunnel; null
     *                    for a plain connection (on which STARTTLS may follow)
     */
    TunnelSocket(ProxyTunnel tunnel, ConnectionGuard guard, SSLSocketFactory implicitTls) {
        this.tunnel = tunnel;
        this.guard = guard;
        this.implicitTls = implicitTls;
    }

    ConnectionGuard guard() {
        return guard;
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (!(endpoint instanceof InetSocketAddress target)) {
            throw new IllegalArgumentException("not an internet address: " + endpoint);
        }
        try {
            raw.setTcpNoDelay(true);
            tunnel.open(raw, target);
            raw.setSoTimeout(soTimeout);
            connection = implicitTls == null ? raw
                    : implicitTls.createSocket(raw, target.getHostString(), target.getPort(), true);
            if (connection != raw) {
                connection.setSoTimeout(soTimeout);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    private Socket connection() throws SocketException {
        Socket c = connection;
        if (c == null) {
            throw new SocketException("not connected");
        }
        return c;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            InputStream s = connection().getInputStream();
            in = guard == null ? s : guard.input(s);
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            OutputStream s = connection().getOutputStream();
            out = guard == null ? s : guard.output(s);
        }
        return out;
    }

    @Override
    public synchronized void setSoTimeout(int timeout) throws SocketException {
        soTimeout = timeout;
        Socket c = connection;
        if (c != null) {
            c.setSoTimeout(timeout);
        }
    }

    @Override
    public synchronized int getSoTimeout() {
        return soTimeout;
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        raw.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return raw.getTcpNoDelay();
    }

    @Override
    public void close() throws IOException {
        Socket c = connection;
        if (c != null && c != raw) {
            c.close();
        }
        raw.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        connection().shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connection().shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return connection != null && raw.isConnected();
    }

    @Override
    public boolean isClosed() {
        return raw.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return raw.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return raw.isOutputShutdown();
    }

    /** The proxy's address: the mail server's own is not known here. */
    @Override
    public InetAddress getInetAddress() {
        return raw.getInetAddress();
    }

    @Override
    public int getPort() {
        return raw.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return raw.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return raw.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return raw.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return raw.getLocalSocketAddress();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        raw.setKeepAlive(on);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        raw.setSoLinger(on, linger);
    }

    @Override
    public String toString() {
        return "TunnelSocket[" + tunnel.describe() + ", " + raw + "]";
    }
}
