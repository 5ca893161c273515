package dev.mailaccess.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The floor clients' reader: CRLF lines and counted bytes from a socket, with one 64 KiB buffer and no copies. */
final class LineReader {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int lim;
    private byte[] line = new byte[1024];
    private int lineLength;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Reads one line; its bytes without CR LF are {@link #line()}[0, {@link #length()}). */
    int readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed in the middle of a line");
            }
            int start = pos;
            while (pos < lim && buf[pos] != '\n') {
                pos++;
            }
            boolean found = pos < lim;
            append(start, pos - start);
            if (found) {
                pos++;
                if (lineLength > 0 && line[lineLength - 1] == '\r') {
                    lineLength--;
                }
                return lineLength;
            }
        }
    }

    byte[] line() {
        return line;
    }

    int length() {
        return lineLength;
    }

    String text() {
        return new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
    }

    boolean startsWith(String prefix) {
        if (lineLength < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (line[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The n of a line ending in an IMAP literal announcement {@code {n}}, or -1. */
    long literalLength() {
        if (lineLength < 3 || line[lineLength - 1] != '}') {
            return -1;
        }
        int i = lineLength - 2;
        long n = 0;
        long mul = 1;
        while (i >= 0 && line[i] >= '0' && line[i] <= '9') {
            n += (line[i] - '0') * mul;
            mul *= 10;
            i--;
        }
        return i >= 0 && line[i] == '{' && i < lineLength - 2 ? n : -1;
    }

    /** Copies exactly {@code n} bytes to {@code sink} (null: skips them). */
    void copy(long n, OutputStream sink) throws IOException {
        while (n > 0) {
            if (pos == lim && !fill()) {
                throw new EOFException("connection closed in the middle of a literal");
            }
            int k = (int) Math.min(n, lim - pos);
            if (sink != null) {
                sink.write(buf, pos, k);
            }
            pos += k;
            n -= k;
        }
    }

    private void append(int from, int len) {
        if (lineLength + len > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + len));
        }
        System.arraycopy(buf, from, line, lineLength, len);
        lineLength += len;
    }

    private boolean fill() throws IOException {
        int n = in.read(buf);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }
}
