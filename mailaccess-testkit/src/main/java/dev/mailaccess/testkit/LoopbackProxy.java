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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between a client under test and a server. It counts the command lines the client sends
 * (to prove batching), and injects faults: stall the server's answers, or cut the connection when a command
 * containing a given text is sent, optionally after letting part of the answer through. For benchmarks it can also
 * add a fixed network latency ({@link #roundTripDelay(Duration)}).
 */
public final class LoopbackProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong clientBytes = new AtomicLong();
    private final AtomicLong serverBytes = new AtomicLong();
    private volatile boolean stalled;
    private volatile String cutOn;
    private volatile long cutAfterResponseBytes;
    private volatile boolean cutArmed;
    private final AtomicLong responseBytesSinceCutCommand = new AtomicLong();
    private volatile long oneWayDelayNanos;
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

    /** Bytes sent by servers since the last {@link #resetCounts()}: what came over the wire, compressed or not. */
    public long serverBytes() {
        return serverBytes.get();
    }

    public void resetCounts() {
        commands.clear();
        clientBytes.set(0);
        serverBytes.set(0);
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

    /**
     * Adds a fixed latency to connections accepted from now on: half of {@code roundTrip} to each direction, so a
     * command and its answer take {@code roundTrip} longer, like a network path with that round-trip time. Bytes are
     * delayed, never throttled: pipelined commands overlap as on a real network (each chunk leaves the proxy at the
     * time it arrived plus the one-way delay). {@link Duration#ZERO} (the default) forwards at once. Not meant to be
     * combined with {@link #cutOn} (a cut drops what is still in flight).
     */
    public void roundTripDelay(Duration roundTrip) {
        if (roundTrip.isNegative()) {
            throw new IllegalArgumentException("negative delay: " + roundTrip);
        }
        this.oneWayDelayNanos = roundTrip.toNanos() / 2;
    }

    /** The round-trip delay set with {@link #roundTripDelay(Duration)}. */
    public Duration roundTripDelay() {
        return Duration.ofNanos(oneWayDelayNanos * 2);
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
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(upstream);
                long delay = oneWayDelayNanos;
                start(() -> pumpClient(client, upstream, delay));
                start(() -> pumpServer(upstream, client, delay));
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

    private void pumpClient(Socket from, Socket to, long delayNanos) {
        StringBuilder line = new StringBuilder();
        try (InputStream in = from.getInputStream(); OutputStream out = output(to, delayNanos)) {
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
            if (delayNanos <= 0) {
                closeQuietly(to); // a delayed output closes its target after what is in flight
            }
        }
    }

    private void pumpServer(Socket from, Socket to, long delayNanos) {
        try (InputStream in = from.getInputStream(); OutputStream out = output(to, delayNanos)) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                serverBytes.addAndGet(n);
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
            if (delayNanos <= 0) {
                closeQuietly(to); // a delayed output closes its target after what is in flight
            }
        }
    }

    private static OutputStream output(Socket to, long delayNanos) throws IOException {
        return delayNanos <= 0 ? to.getOutputStream() : new DelayedOutput(to.getOutputStream(), delayNanos);
    }

    /**
     * Forwards each written chunk {@code delayNanos} after it was written, in order, from its own thread; closing
     * lets what is in flight arrive first, then closes the target.
     */
    private static final class DelayedOutput extends OutputStream {
        private static final byte[] END = new byte[0];
        private final OutputStream target;
        private final long delayNanos;
        private final BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        private volatile IOException failure;

        DelayedOutput(OutputStream target, long delayNanos) {
            this.target = target;
            this.delayNanos = delayNanos;
            Thread t = new Thread(this::drain, "proxy-delay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                throw failure;
            }
            if (len > 0) {
                queue.add(new Object[] {System.nanoTime() + delayNanos, java.util.Arrays.copyOfRange(b, off, off + len)});
            }
        }

        @Override
        public void close() {
            queue.add(new Object[] {System.nanoTime() + delayNanos, END});
        }

        private void drain() {
            try {
                while (true) {
                    Object[] item = queue.take();
                    long wait = (long) item[0] - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    byte[] data = (byte[]) item[1];
                    if (data == END) {
                        target.close();
                        return;
                    }
                    target.write(data);
                    if (queue.isEmpty()) {
                        target.flush();
                    }
                }
            } catch (IOException e) {
                failure = e;
                closeQuietly(target);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(target);
            }
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
