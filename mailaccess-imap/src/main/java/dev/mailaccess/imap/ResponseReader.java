package dev.mailaccess.imap;

import dev.mailaccess.ServerLimits;
import dev.mailaccess.angus.internal.LimitExceededIOException;
import dev.mailaccess.angus.internal.TransferClock;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits an IMAP server's byte stream into whole responses (a line and any literals it announces), reading in bulk
 * and within {@link ServerLimits}: no line longer than {@code maxLineBytes}, no response whose literals exceed
 * {@code maxLiteralBytes}, and memory that grows only as bytes actually arrive (a literal's announced size is never
 * allocated up front). Every read is reported to a {@link TransferClock}. A response is handed out as a span of
 * {@link #buffer()} that stays valid until the next call of {@link #next()}.
 *
 * <p>A line may end in CRLF or in a bare LF (some servers send those). It reads only what the server has sent: a
 * bulk read never waits for more than the response in progress needs. Bytes read past the end of a response stay in
 * the buffer for the next call ({@link #hasBuffered()}).
 */
final class ResponseReader {
    private static final int INITIAL = 64 * 1024;
    /** A buffer grown beyond this for one large response is dropped before the next, so an idle session is small. */
    private static final int KEEP = 1 << 20;

    private final InputStream in;
    private final ServerLimits limits;
    private final TransferClock clock;
    private byte[] buf = new byte[INITIAL];
    private int start;
    private int limit;
    private int responseStart;
    private int responseEnd;
    private long literalLeft;

    ResponseReader(InputStream in, ServerLimits limits, TransferClock clock) {
        this.in = in;
        this.limits = limits;
        this.clock = clock;
    }

    /** The buffer the spans of {@link #start()} and {@link #end()} refer to. */
    byte[] buffer() {
        return buf;
    }

    /** Where the current response starts in {@link #buffer()}. */
    int start() {
        return responseStart;
    }

    /** Where the current response ends (its final CRLF or LF excluded). */
    int end() {
        return responseEnd;
    }

    /** Whether bytes after the current response have already been read. */
    boolean hasBuffered() {
        return limit > start;
    }

    /**
     * Reads the next whole response.
     *
     * @throws EOFException              when the server closes the stream first
     * @throws LimitExceededIOException  when a line or the literals cross a {@link ServerLimits} bound
     * @throws dev.mailaccess.angus.internal.TooSlowIOException when the server sends too slowly or too long
     */
    void next() throws IOException {
        read(Long.MAX_VALUE);
    }

    /**
     * Reads the next response like {@link #next()}, except that a literal longer than {@code streamAbove} is not
     * held: the reader stops in front of it and returns true, with {@link #start()} and {@link #end()} spanning the
     * response up to it (the line that announces it, without its line end). {@link #readLiteral} then hands out its
     * bytes straight from the connection, and {@link #next()} after it reads the rest of the response. Returns false
     * when it read a whole response, as {@link #next()} does. No size bound applies to a streamed literal: it is
     * never in memory.
     */
    boolean nextStreaming(long streamAbove) throws IOException {
        return read(streamAbove);
    }

    /** Bytes of the literal {@link #nextStreaming} stopped in front of that are not read yet. */
    long literalLeft() {
        return literalLeft;
    }

    /**
     * Reads up to {@code len} bytes of the literal {@link #nextStreaming} stopped in front of: first what is
     * buffered, then straight from the connection into {@code b}.
     *
     * @return the number of bytes read, or -1 when the literal is read to its end
     */
    int readLiteral(byte[] b, int off, int len) throws IOException {
        if (literalLeft == 0) {
            return -1;
        }
        int want = (int) Math.min(len, literalLeft);
        int n;
        if (limit > start) {
            n = Math.min(want, limit - start);
            System.arraycopy(buf, start, b, off, n);
            start += n;
        } else {
            long before = clock.now();
            n = in.read(b, off, want);
            if (n < 0) {
                throw new EOFException("the IMAP server closed the connection in the middle of a literal");
            }
            clock.arrived(n, clock.now() - before);
        }
        literalLeft -= n;
        return n;
    }

    private boolean read(long streamAbove) throws IOException {
        if (literalLeft > 0) {
            throw new IllegalStateException("a streamed literal has " + literalLeft + " bytes left to read");
        }
        if (start == limit) {
            start = limit = 0;
            if (buf.length > KEEP) {
                buf = new byte[INITIAL];
            }
        }
        // offsets from start: fill() may move the bytes
        int segment = 0; // where the part of the line after the last literal begins
        int scan = 0;
        long literals = 0;
        while (true) {
            int lf = indexOfLf(start + scan);
            while (lf < 0) {
                scan = limit - start;
                if (scan - segment > limits.maxLineBytes()) {
                    throw new LimitExceededIOException(ServerLimits.Limit.LINE_LENGTH, "the server sent a line "
                            + "longer than " + limits.maxLineBytes() + " bytes (ServerLimits.maxLineBytes)");
                }
                fill(scan + 1);
                lf = indexOfLf(start + scan);
            }
            if (lf - start - segment > limits.maxLineBytes()) {
                throw new LimitExceededIOException(ServerLimits.Limit.LINE_LENGTH, "the server sent a line longer "
                        + "than " + limits.maxLineBytes() + " bytes (ServerLimits.maxLineBytes)");
            }
            long literal = literalAnnounced(start + segment, lf);
            if (literal < 0) {
                responseStart = start;
                responseEnd = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
                start = lf + 1;
                return false;
            }
            if (literal > streamAbove) {
                responseStart = start;
                responseEnd = lf > start && buf[lf - 1] == '\r' ? lf - 1 : lf;
                start = lf + 1;
                literalLeft = literal;
                return true;
            }
            literals += literal;
            if (literals > limits.maxLiteralBytes()) {
                throw new LimitExceededIOException(ServerLimits.Limit.LITERAL_SIZE, "the server announced "
                        + (literals == literal ? "a literal of " + literal + " bytes" : literals + " bytes of literals"
                        + " in one response") + ", more than " + limits.maxLiteralBytes()
                        + " (ServerLimits.maxLiteralBytes)");
            }
            long needed = (long) lf + 1 - start + literal;
            if (needed > Integer.MAX_VALUE - 8) {
                throw new LimitExceededIOException(ServerLimits.Limit.LITERAL_SIZE, "the server sent a response of "
                        + needed + " bytes, more than one buffer can hold");
            }
            fill((int) needed);
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

    /**
     * Reads until at least {@code wanted} bytes from {@code start} are in the buffer. The buffer grows (doubling, at
     * most to what is wanted) only when it is full of bytes that arrived, so an announced size costs nothing until
     * the server sends it. May move the bytes to 0.
     */
    private void fill(int wanted) throws IOException {
        if (start > 0 && buf.length - start < wanted) {
            System.arraycopy(buf, start, buf, 0, limit - start);
            limit -= start;
            start = 0;
        }
        while (limit - start < wanted) {
            if (limit == buf.length) {
                long grown = Math.min(Math.max(2L * buf.length, 4096), (long) start + wanted + 4096);
                byte[] bigger = new byte[(int) Math.min(grown, Integer.MAX_VALUE - 8)];
                System.arraycopy(buf, start, bigger, 0, limit - start);
                limit -= start;
                start = 0;
                buf = bigger;
            }
            long before = clock.now();
            int n = in.read(buf, limit, buf.length - limit);
            if (n < 0) {
                throw new EOFException("the IMAP server closed the connection in the middle of a response");
            }
            clock.arrived(n, clock.now() - before);
            limit += n;
        }
    }
}
