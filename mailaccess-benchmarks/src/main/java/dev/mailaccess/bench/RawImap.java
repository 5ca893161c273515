package dev.mailaccess.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The floor for IMAP: the least a Java client can do over a plain socket. It parses nothing beyond what it needs to
 * find the end of each answer (lines, literals, the tagged status).
 */
final class RawImap implements Closeable {
    private final Socket socket;
    private final LineReader in;
    private final OutputStream out;
    private int tag;

    RawImap(String host, int port) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        socket.connect(new InetSocketAddress(host, port), 20_000);
        in = new LineReader(socket.getInputStream());
        out = socket.getOutputStream();
        in.readLine();
        if (!in.startsWith("* OK")) {
            throw new IOException("no IMAP greeting: " + in.text());
        }
    }

    void login(String user, String password) throws IOException {
        command("LOGIN " + quote(user) + " " + quote(password), null);
    }

    /** SELECT (or EXAMINE when {@code readOnly}); returns the untagged lines. */
    long select(String mailbox, boolean readOnly) throws IOException {
        return command((readOnly ? "EXAMINE " : "SELECT ") + quote(mailbox), null);
    }

    /** The floor's listing: one UID FETCH of everything; returns the number of FETCH responses. */
    long fetchSummaries() throws IOException {
        return command("UID FETCH 1:* (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)", null);
    }

    /** {@code UID SEARCH criteria}; returns the number of UIDs found. */
    long uidSearch(String criteria) throws IOException {
        long[] found = {0};
        String t = send("UID SEARCH " + criteria);
        while (true) {
            in.readLine();
            if (in.startsWith("* SEARCH")) {
                String[] parts = in.text().trim().split(" +");
                found[0] = parts.length - 2;
            } else if (in.startsWith(t + " ")) {
                checkOk(t);
                return found[0];
            }
        }
    }

    /** The whole message with this UID to {@code sink}, without setting \Seen; returns its size. */
    long fetchBody(long uid, OutputStream sink) throws IOException {
        String t = send("UID FETCH " + uid + " BODY.PEEK[]");
        long size = -1;
        while (true) {
            in.readLine();
            long n = in.literalLength();
            if (n >= 0) {
                in.copy(n, sink);
                size = n;
                continue;
            }
            if (in.startsWith(t + " ")) {
                checkOk(t);
                return size;
            }
        }
    }

    /** Sends a command and reads to its tagged answer; literals go to {@code literalSink} (null: skipped). */
    long command(String command, OutputStream literalSink) throws IOException {
        String t = send(command);
        long untagged = 0;
        while (true) {
            in.readLine();
            if (in.startsWith(t + " ")) {
                checkOk(t);
                return untagged;
            }
            if (in.startsWith("* ")) {
                untagged++;
            }
            // the rest of a response after a literal is on the next line: same response, not counted again
            while (in.literalLength() >= 0) {
                in.copy(in.literalLength(), literalSink);
                in.readLine();
            }
        }
    }

    private String send(String command) throws IOException {
        String t = "a" + (++tag);
        out.write((t + " " + command + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return t;
    }

    private void checkOk(String t) throws IOException {
        if (!in.startsWith(t + " OK")) {
            throw new IOException("IMAP command failed: " + in.text());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            command("LOGOUT", null);
        } catch (IOException ignored) {
            // closing anyway
        }
        socket.close();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
