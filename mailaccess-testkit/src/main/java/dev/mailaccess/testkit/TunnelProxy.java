package dev.mailaccess.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SOCKS5 (RFC 1928, RFC 1929) or HTTP CONNECT proxy on loopback, for tests: it checks the user name and
 * password where it was given some, opens tunnels to loopback targets only, and records what was asked (targets,
 * refusals). {@link #misbehave(Misbehaviour)} makes it stall or flood the handshake, to test the client's bounds.
 */
public final class TunnelProxy implements AutoCloseable {
    /** The kind of proxy. */
    public enum Kind {
        /** SOCKS version 5. */
        SOCKS5,
        /** HTTP CONNECT. */
        HTTP
    }

    /** A broken proxy, to test the client's bounds on the handshake. */
    public enum Misbehaviour {
        /** Answers as a proxy should. */
        NONE,
        /** Accepts the connection and never answers. */
        SILENT,
        /** HTTP: sends header lines without end. */
        ENDLESS_HEADERS
    }

    private final Kind kind;
    private final String user;
    private final String password;
    private final ServerSocket server;
    private final List<String> targets = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Misbehaviour misbehaviour = Misbehaviour.NONE;

    private TunnelProxy(Kind kind, String user, String password) {
        this.kind = kind;
        this.user = user;
        this.password = password;
        try {
            server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread t = new Thread(this::acceptLoop, "tunnel-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    /** A proxy of {@code kind} that wants no credentials. */
    public static TunnelProxy start(Kind kind) {
        return new TunnelProxy(kind, null, null);
    }

    /** A proxy of {@code kind} that wants this user name and password. */
    public static TunnelProxy start(Kind kind, String user, String password) {
        return new TunnelProxy(kind, user, password);
    }

    /** Makes the proxy misbehave from the next connection on. */
    public TunnelProxy misbehave(Misbehaviour m) {
        this.misbehaviour = m;
        return this;
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** The targets of the tunnels opened, {@code host:port}. */
    public List<String> targets() {
        return List.copyOf(targets);
    }

    /** Why handshakes were refused (e.g. {@code bad credentials}). */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Connections accepted. */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "tunnel-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            client.setSoTimeout(HostileServer.READ_TIMEOUT_MILLIS);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            Misbehaviour m = misbehaviour;
            if (m == Misbehaviour.SILENT) {
                in.transferTo(OutputStream.nullOutputStream());
                return;
            }
            String target = kind == Kind.SOCKS5 ? socks(in, out) : http(in, out, m);
            if (target == null) {
                client.close();
                return;
            }
            int colon = target.lastIndexOf(':');
            String host = target.substring(0, colon).replace("[", "").replace("]", "");
            InetAddress address = InetAddress.getByName(host);
            if (!address.isLoopbackAddress()) {
                refusals.add("not a loopback target: " + target);
                client.close();
                return;
            }
            Socket upstream = new Socket();
            upstream.connect(new InetSocketAddress(address, Integer.parseInt(target.substring(colon + 1))), 5000);
            sockets.add(upstream);
            targets.add(target);
            if (kind == Kind.SOCKS5) {
                out.write(new byte[] {5, 0, 0, 1, 127, 0, 0, 1, 0, 0});
            } else {
                out.write("HTTP/1.1 200 Connection established\r\nProxy-Agent: mailaccess-testkit\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            Thread back = new Thread(() -> pump(upstream, client), "tunnel-proxy-back");
            back.setDaemon(true);
            back.start();
            pump(client, upstream);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private String socks(InputStream in, OutputStream out) throws IOException {
        if (read(in) != 5) {
            return null;
        }
        int n = read(in);
        List<Integer> methods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            methods.add(read(in));
        }
        int method = user != null ? 2 : 0;
        if (!methods.contains(method)) {
            refusals.add("no acceptable method: " + methods);
            out.write(new byte[] {5, (byte) 0xff});
            out.flush();
            return null;
        }
        out.write(new byte[] {5, (byte) method});
        out.flush();
        if (method == 2) {
            read(in);
            String u = new String(in.readNBytes(read(in)), StandardCharsets.UTF_8);
            String p = new String(in.readNBytes(read(in)), StandardCharsets.UTF_8);
            boolean ok = user.equals(u) && password.equals(p);
            if (!ok) {
                refusals.add("bad credentials for " + u); // before the answer, which the client acts on at once
            }
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            out.flush();
            if (!ok) {
                return null;
            }
        }
        read(in);
        int command = read(in);
        read(in);
        int type = read(in);
        String host = switch (type) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(read(in)), StandardCharsets.US_ASCII);
            case 4 -> "[" + InetAddress.getByAddress(in.readNBytes(16)).getHostAddress() + "]";
            default -> throw new IOException("address type " + type);
        };
        int port = (read(in) << 8) | read(in);
        if (command != 1) {
            out.write(new byte[] {5, 7, 0, 1, 0, 0, 0, 0, 0, 0});
            out.flush();
            return null;
        }
        return host + ":" + port;
    }

    private String http(InputStream in, OutputStream out, Misbehaviour m) throws IOException {
        String request = line(in);
        String auth = null;
        String header;
        while (!(header = line(in)).isEmpty()) {
            if (header.regionMatches(true, 0, "Proxy-Authorization:", 0, 20)) {
                auth = header.substring(20).strip();
            }
        }
        if (m == Misbehaviour.ENDLESS_HEADERS) {
            byte[] h = "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100_000; i++) {
                out.write(h);
            }
            out.flush();
            return null;
        }
        String[] parts = request.split(" ");
        if (parts.length < 3 || !parts[0].equals("CONNECT")) {
            out.write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return null;
        }
        if (user != null) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth)) {
                refusals.add(auth == null ? "no credentials" : "bad credentials");
                out.write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return null;
            }
        }
        return parts[1];
    }

    private static int read(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new IOException("end of stream");
        }
        return b;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = read(in)) != '\n') {
            if (b.size() > 8192) {
                throw new IOException("line too long");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(TunnelProxy::closeQuietly);
    }
}
