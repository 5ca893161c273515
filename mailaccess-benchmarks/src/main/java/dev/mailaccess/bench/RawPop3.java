package dev.mailaccess.bench;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor for POP3: USER/PASS, UIDL, then every RETR sent at once (pipelined) while the answers are read, each
 * message written to {@code tmp/}, fsynced and renamed into {@code new/}.
 */
final class RawPop3 implements Closeable {
    /** One message as UIDL lists it. */
    record Entry(int number, String uid) {
    }

    private final Socket socket;
    private final LineReader in;
    private final OutputStream out;

    RawPop3(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        socket.connect(new InetSocketAddress(host, port), 20_000);
        in = new LineReader(socket.getInputStream());
        out = socket.getOutputStream();
        status();
    }

    void login(String user, String password) throws IOException {
        command("USER " + user);
        command("PASS " + password);
    }

    List<Entry> uidl() throws IOException {
        command("UIDL");
        List<Entry> entries = new ArrayList<>();
        while (true) {
            in.readLine();
            if (in.length() == 1 && in.line()[0] == '.') {
                return entries;
            }
            String[] parts = in.text().split(" ");
            entries.add(new Entry(Integer.parseInt(parts[0]), parts[1]));
        }
    }

    /**
     * Downloads every entry into the Maildir at {@code root} (tmp/, new/ must exist): all RETR commands are sent by a
     * second thread while this one reads the answers. With {@code fsync}, each file is fsynced before its rename and
     * new/ once at the end. Returns the bytes stored.
     */
    long retrieveAll(List<Entry> entries, Path root, boolean fsync) throws IOException {
        IOException[] sendFailure = new IOException[1];
        Thread sender = new Thread(() -> {
            try {
                BufferedOutputStream o = new BufferedOutputStream(out, 64 * 1024);
                for (Entry e : entries) {
                    o.write(("RETR " + e.number() + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                o.flush();
            } catch (IOException e) {
                sendFailure[0] = e;
            }
        }, "raw-pop3-sender");
        sender.start();
        long bytes = 0;
        Path tmp = root.resolve("tmp");
        Path dest = root.resolve("new");
        for (Entry e : entries) {
            status();
            String name = "raw-" + e.uid();
            Path file = tmp.resolve(name);
            try (FileOutputStream fos = new FileOutputStream(file.toFile());
                 BufferedOutputStream o = new BufferedOutputStream(fos, 64 * 1024)) {
                bytes += copyMultiline(o);
                o.flush();
                if (fsync) {
                    fos.getFD().sync();
                }
            }
            Files.move(file, dest.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            sender.join();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (sendFailure[0] != null) {
            throw sendFailure[0];
        }
        if (fsync) {
            try (FileChannel ch = FileChannel.open(dest, StandardOpenOption.READ)) {
                ch.force(true);
            }
        }
        return bytes;
    }

    /** RETR of one message to {@code sink}; returns its size. */
    long retrieve(int number, OutputStream sink) throws IOException {
        command("RETR " + number);
        return copyMultiline(sink);
    }

    /** Copies a dot-terminated answer, undoing dot-stuffing and keeping CRLF; returns the bytes written. */
    private long copyMultiline(OutputStream sink) throws IOException {
        long n = 0;
        while (true) {
            in.readLine();
            byte[] l = in.line();
            int len = in.length();
            if (len == 1 && l[0] == '.') {
                return n;
            }
            int off = len > 0 && l[0] == '.' ? 1 : 0;
            sink.write(l, off, len - off);
            sink.write('\r');
            sink.write('\n');
            n += len - off + 2;
        }
    }

    private void command(String c) throws IOException {
        out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        status();
    }

    private void status() throws IOException {
        in.readLine();
        if (!in.startsWith("+OK")) {
            throw new IOException("POP3 error: " + in.text());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readLine();
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }
}
