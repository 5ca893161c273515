package dev.mailaccess.imap;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a COMPRESS=DEFLATE connection's inflated bytes from Angus's buffered stream without waiting for bytes the
 * server has not sent. Angus reads the inflater through a {@link java.io.BufferedInputStream}, whose bulk
 * {@code read} keeps reading while the stream below reports bytes {@code available()}; an
 * {@link java.util.zip.InflaterInputStream} reports one until its end, so a bulk read would block until its whole
 * length had arrived (a response shorter than the buffer would never be seen). Here a read takes only what the
 * buffered stream already holds, or, when it holds nothing, one byte, which refills its buffer with a single read of
 * the inflater (which returns as soon as it has inflated something).
 */
final class InflatedSource extends InputStream {
    private final InputStream buffered;

    /** @param buffered Angus's buffered stream over the inflater */
    InflatedSource(InputStream buffered) {
        this.buffered = buffered;
    }

    /** What the buffered stream holds: its own {@code available()} adds the inflater's constant one. */
    private int held() throws IOException {
        return Math.max(0, buffered.available() - 1);
    }

    @Override
    public int read() throws IOException {
        return buffered.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int held = held();
        return buffered.read(b, off, held == 0 ? 1 : Math.min(len, held));
    }

    @Override
    public int available() throws IOException {
        return held();
    }

    @Override
    public void close() throws IOException {
        buffered.close();
    }
}
