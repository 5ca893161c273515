package dev.mailaccess.pop.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code RETR} on the session's own socket, around Angus. Angus reads a RETR answer one byte at a time through a
 * {@code BufferedReader} and cannot send commands ahead; this reads it in 64 KB blocks, undoes dot-stuffing in
 * place, and pipelines where the server allows (RFC 2449 PIPELINING), which is how mailaccess downloads many
 * messages (a 100 MB message: several times faster; thousands of small ones: no round trip each).
 * <p>It is safe to share the connection with Angus because POP3 is strictly request/answer: when Angus has read an
 * answer to its end its buffer is empty, and when this has read every answer it asked for, so is this one's. It
 * checks the latter ({@link #drained()}); any failure mid-answer leaves the connection in an unknown state, and the
 * caller must abort it.
 */
final class RawRetr {
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;

    RawRetr(Socket socket) throws IOException {
        this.in = socket.getInputStream();
        // queued RETRs leave in one segment at flush(), not one each (the library's sockets set TCP_NODELAY)
        this.out = new java.io.BufferedOutputStream(socket.getOutputStream(), 4096);
    }

    /** Queues {@code RETR n}; {@link #flush()} sends what is queued. */
    void retr(int messageNumber) throws IOException {
        out.write(("RETR " + messageNumber + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    void flush() throws IOException {
        out.flush();
    }

    /**
     * Reads the next status line.
     *
     * @return true for {@code +OK} (a message follows), false for {@code -ERR} (no such message)
     * @throws IOException on anything else
     */
    boolean status() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = next();
            if (b == '\n') {
                break;
            }
            if (b != '\r' && line.length() < 512) {
                line.append((char) b);
            }
        }
        if (line.toString().startsWith("+OK")) {
            return true;
        }
        if (line.toString().startsWith("-ERR")) {
            return false;
        }
        throw new IOException("unexpected answer to RETR: " + line);
    }

    /** True when nothing read from the server is left over: the connection is in step again. */
    boolean drained() {
        return pos == end;
    }

    /** The message after a {@code +OK}, without dot-stuffing, ending at the terminating {@code .} line. */
    Body body() {
        return new Body();
    }

    private int next() throws IOException {
        if (pos == end && !fill(1)) {
            throw new EOFException("the server closed the connection during RETR");
        }
        return buf[pos++] & 0xff;
    }

    /** Makes at least {@code n} unread bytes available; false at end of stream. */
    private boolean fill(int n) throws IOException {
        if (end - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, end - pos);
            end -= pos;
            pos = 0;
        }
        while (end < n) {
            int r = in.read(buf, end, buf.length - end);
            if (r < 0) {
                return false;
            }
            end += r;
        }
        return true;
    }

    /** One message of a multi-line answer. Read it to its end (or {@link #skipRest()}) before the next. */
    final class Body extends InputStream {
        private boolean lineStart = true;
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        /** Fills {@code b} across line ends with what has arrived, blocking only while it has nothing to give. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (done) {
                return -1;
            }
            int total = 0;
            while (total < len) {
                if (lineStart) {
                    if (total > 0 && end - pos < 3) {
                        break; // deciding about a dot would mean waiting: hand out what is here
                    }
                    if (!fill(2)) {
                        throw new EOFException("the server closed the connection during RETR");
                    }
                    if (buf[pos] == '.') {
                        if (buf[pos + 1] == '\r') { // ".\r\n" ends the message
                            if (!fill(3)) {
                                throw new EOFException("the server closed the connection during RETR");
                            }
                            pos += 3;
                            done = true;
                            break;
                        }
                        pos++; // a stuffed dot
                    }
                    lineStart = false;
                }
                if (pos == end) {
                    if (total > 0) {
                        break;
                    }
                    if (!fill(1)) {
                        throw new EOFException("the server closed the connection during RETR");
                    }
                }
                int limit = Math.min(end, pos + (len - total));
                int i = pos;
                while (i < limit && buf[i] != '\n') {
                    i++;
                }
                if (i < limit) {
                    i++; // through the line end
                    lineStart = true;
                }
                System.arraycopy(buf, pos, b, off + total, i - pos);
                total += i - pos;
                pos = i;
            }
            return total == 0 && done ? -1 : total;
        }

        /** Reads and drops the rest of the message, so the next answer can be read. */
        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // dropping
            }
        }

        @Override
        public void close() {
            // the connection stays open; the owner skips what is left
        }
    }
}
