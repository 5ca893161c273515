package dev.mailaccess.pop.internal;

import jakarta.mail.MessagingException;

import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Spools downloaded bytes to a private temporary file and hands back a stream over it that deletes the file when
 * closed. The connection is free again as soon as the download is complete, and the heap never holds the message.
 */
final class Spool {
    /** Writes bytes to the spool. */
    interface Writer {
        void write(OutputStream out) throws IOException, MessagingException;
    }

    private Spool() {
    }

    static InputStream of(Writer writer) throws IOException, MessagingException {
        Path tmp = Files.createTempFile("mailaccess-pop-", ".spool");
        boolean handedOut = false;
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
                writer.write(out);
            }
            InputStream in = Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE);
            handedOut = true;
            return in;
        } finally {
            if (!handedOut) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** {@code length} bytes of {@code in} from {@code offset}; fewer if the stream ends first. */
    static InputStream range(InputStream in, long offset, long length) throws IOException {
        long toSkip = offset;
        while (toSkip > 0) {
            long n = in.skip(toSkip);
            if (n <= 0) {
                if (in.read() < 0) {
                    break;
                }
                n = 1;
            }
            toSkip -= n;
        }
        return new FilterInputStream(in) {
            private long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = super.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long s = super.skip(Math.min(n, left));
                left -= Math.max(0, s);
                return s;
            }

            @Override
            public int available() throws IOException {
                return (int) Math.min(super.available(), left);
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }
}
