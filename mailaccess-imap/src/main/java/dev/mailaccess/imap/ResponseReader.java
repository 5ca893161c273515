package dev.mailaccess.imap;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits an IMAP server's byte stream into whole responses (a line and any literals it announces), reading in bulk.
 * Angus reads a response one byte at a time through a synchronised {@code BufferedInputStream.read()}, which was most
 * of the client's time in a 10,000-message listing. A response is handed out as a span of {@link #buffer()} that
 * stays valid until the next call of {@link #next()}.
 *
 * <p>It reads only what the server has sent: a bulk read never waits for more than the response in progress needs.
 * Bytes read past the end of a response stay in the buffer for the next call, and {@link #hasBuffered()} tells the
 * caller whether any are left when it wants to hand the stream back.
 */
final class ResponseReader {
    private static final int MAX_RESPONSE = Integer.MAX_VALUE - (1 << 20);

    private final InputStream in;
    private byte[] buf = new byte[64 * 1024];
    private int start;
    private int limit;
    private int responseStart;
    private int responseEnd;

    ResponseReader(InputStream in) {
        this.in = in;
    }

    /** The buffer the spans of {@link #start()} and {@link #end()} refer to. */
    byte[] buffer() {
        return buf;
    }

    /** Where the current response starts in {@link #buffer()}. */
    int start() {
        return responseStart;
    }

    /** Where the current response ends (its final CRLF excluded). */
    int end() {
        return responseEnd;
    }

    /** Whether bytes after the current response have already been read. */
    boolean hasBuffered() {
        return limit > start;
    }

    /** Reads the next whole response; throws {@link EOFException} when the server closes the stream first. */
    void next() throws IOException {
        if (start == limit) {
            start = limit = 0;
        }
        // offsets from start: fill() may move the bytes
        int segment = 0; // where the part of the line after the last literal begins
        int scan = 0;
        while (true) {
            int lf = indexOfLf(start + scan);
            while (lf < 0) {
                scan = limit - start;
                fill(scan + 1);
                lf = indexOfLf(start + scan);
            }
            long literal = literalAnnounced(start + segment, lf);
            if (literal < 0) {
                responseStart = start;
                responseEnd = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
                start = lf + 1;
                return;
            }
            long needed = (long) lf + 1 - start + literal;
            if (needed > MAX_RESPONSE) {
                throw new IOException("IMAP response too large to list: " + needed + " bytes");
            }
            if (limit - start < needed) {
                fill((int) needed);
            }
            // the literal's bytes are not scanned for line ends: they may hold any byte
            segment = scan = (int) needed;
        }
    }

    private int indexOfLf(int from) {
        for (int i = from; i < limit; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The length of the literal announced at the end of the line ending at {@code lf}, or -1. */
    private long literalAnnounced(int lineStart, int lf) {
        int i = lf - 1;
        if (i >= lineStart && buf[i] == '\r') {
            i--;
        }
        if (i < lineStart || buf[i] != '}') {
            return -1;
        }
        i--;
        if (i >= lineStart && buf[i] == '+') {
            i--; // LITERAL+ form, in case a server echoes it
        }
        long n = 0;
        long scale = 1;
        int digits = 0;
        while (i >= lineStart && buf[i] >= '0' && buf[i] <= '9') {
            if (digits == 18) {
                return Long.MAX_VALUE;
            }
            n += (buf[i] - '0') * scale;
            scale *= 10;
            digits++;
            i--;
        }
        if (digits == 0 || i < lineStart || buf[i] != '{') {
            return -1;
        }
        return n;
    }

    /** Reads until at least {@code wanted} bytes from {@code start} are in the buffer; may move them to 0. */
    private void fill(int wanted) throws IOException {
        if (buf.length - start < wanted) {
            byte[] target = wanted + 4096 <= buf.length ? buf : new byte[(int) Math.min(MAX_RESPONSE + (1L << 19),
                    Math.max(2L * buf.length, wanted + 4096L))];
            System.arraycopy(buf, start, target, 0, limit - start);
            buf = target;
            limit -= start;
            start = 0;
        }
        while (limit - start < wanted) {
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                throw new EOFException("the IMAP server closed the connection in the middle of a response");
            }
            limit += n;
        }
    }
}
