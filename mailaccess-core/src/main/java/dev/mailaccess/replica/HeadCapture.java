package dev.mailaccess.replica;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Passes a message's stream through and keeps its first 64 KB, so its headers need not be read back from disk.
 * One instance serves a whole download, message after message ({@link #of}), reusing its buffer: a fresh buffer
 * per message was most of what a large download allocated.
 */
final class HeadCapture extends FilterInputStream {
    private static final int LIMIT = 64 * 1024;
    private byte[] head = new byte[8192];
    private int kept;

    HeadCapture() {
        super(InputStream.nullInputStream());
    }

    /** Starts over on the next message's stream. */
    HeadCapture of(InputStream message) {
        in = message;
        kept = 0;
        return this;
    }

    /** A header among the bytes read so far ({@link StoredHeaders#header}). */
    String header(String name) {
        return StoredHeaders.header(head, kept, name);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            keep(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            keep(b, off, n);
        }
        return n;
    }

    private void keep(byte[] b, int off, int n) {
        int take = Math.min(n, LIMIT - kept);
        if (take <= 0) {
            return;
        }
        if (kept + take > head.length) {
            head = Arrays.copyOf(head, Math.min(LIMIT, Math.max(head.length * 2, kept + take)));
        }
        System.arraycopy(b, off, head, kept, take);
        kept += take;
    }
}
