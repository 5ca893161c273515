package dev.mailaccess.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a client under test and a server. It counts the command lines the client sends
 * (to prove batching), and injects faults: stall the server's answers, or cut the connection when a command
 * containing a given text is sent, optionally after letting part of the answer through.
 */
public final class LoopbackProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong clientBytes = new AtomicLong();
    private volatile boolean stalled;
    private volatile String cutOn;
    private volatile long cutAfterResponseBytes;
    private volatile boolean cutArmed;
    private final AtomicLong responseBytesSinceCutCommand = new AtomicLong();
    private final Thread acceptor;

    public LoopbackProxy(String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        acceptor = new Thread(this::acceptLoop, "proxy-accept-" + port());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Command lines seen from clients since the last {@link #resetCounts()}. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /** Number of command lines seen since the last {@link #resetCounts()}. */
    public int commandCount() {
        return commands.size();
    }

    /** Bytes sent by clients since the last {@link #resetCounts()}. */
    public long clientBytes() {
        return clientBytes.get();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    public void resetCounts() {
        commands.clear();
        clientBytes.set(0);
    }

    /** While stalled, nothing the server sends reaches the client: the client waits as for a hung server. */
    public void stall(boolean stalled) {
        this.stalled = stalled;
    }

    /**
     * Cuts every connection when a client command containing {@code text} is seen, after {@code responseBytes}
     * bytes of the server's answer went through (0: before the command reaches the server).
     */
    public void cutOn(String text, long responseBytes) {
        this.cutAfterResponseBytes = responseBytes;
        this.cutArmed = false;
        this.cutOn = text;
    }

    /** Closes every open connection now. */
    public void cutAll() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
                sockets.add(client);
                sockets.add(upstream);
                start(() -> pumpClient(client, upstream));
                start(() -> pumpServer(upstream, client));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void start(Runnable r) {
        Thread t = new Thread(r, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void pumpClient(Socket from, Socket to) {
        StringBuilder line = new StringBuilder();
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                clientBytes.addAndGet(n);
                int flushFrom = 0;
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        String cmd = line.toString().strip();
                        line.setLength(0);
                        commands.add(cmd);
                        String cut = cutOn;
                        if (cut != null && cmd.contains(cut)) {
                            cutOn = null;
                            if (cutAfterResponseBytes <= 0) {
                                cutAll();
                                return;
                            }
                            // Armed before the command leaves, so even an instant answer is cut.
                            responseBytesSinceCutCommand.set(0);
                            cutArmed = true;
                            out.write(buf, flushFrom, i + 1 - flushFrom);
                            out.flush();
                            flushFrom = i + 1;
                        }
                    } else if (line.length() < 1000) {
                        line.append((char) (b & 0xff));
                    }
                }
                out.write(buf, flushFrom, n - flushFrom);
                out.flush();
            }
        } catch (IOException e) {
            // connection closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void pumpServer(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                while (stalled && !to.isClosed()) {
                    Thread.sleep(10);
                }
                if (cutArmed) {
                    long allowed = cutAfterResponseBytes - responseBytesSinceCutCommand.get();
                    if (n >= allowed) {
                        out.write(buf, 0, (int) Math.max(0, allowed));
                        out.flush();
                        cutArmed = false;
                        cutAll();
                        return;
                    }
                    responseBytesSinceCutCommand.addAndGet(n);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // connection closed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(java.io.Closeable s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Lines as text, for assertion messages. */
    public String describeCommands() {
        List<String> copy = new ArrayList<>(commands);
        return String.join("\n", copy);
    }

    @Override
    public void close() {
        closeQuietly(server);
        cutAll();
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
