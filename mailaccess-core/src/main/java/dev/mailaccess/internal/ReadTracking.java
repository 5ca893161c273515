package dev.mailaccess.internal;

import dev.mailaccess.ConnectionException;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSink;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Hands a download's stream to a {@link MessageSink} and tells apart who failed: a sink that stores the message
 * (a Maildir) wraps every IOException, including one from reading the network, in its own storage exception. If
 * reading failed, the failure is the connection's and is reported as such, whatever the sink made of it.
 */
public final class ReadTracking {
    private ReadTracking() {
    }

    /**
     * @throws MailAccessException a {@link ConnectionException} (or the adapter's own exception) when reading failed
     * @throws java.io.UncheckedIOException when the sink failed with an IOException of its own
     */
    public static void deliver(MessageRef ref, InputStream in, MessageSink sink) {
        Tracked tracked = new Tracked(in);
        try {
            sink.accept(ref, tracked);
        } catch (IOException | RuntimeException e) {
            IOException readFailure = tracked.failure;
            if (readFailure != null) {
                if (readFailure.getCause() instanceof MailAccessException m) {
                    throw m;
                }
                throw new ConnectionException("download of " + ref + " failed: " + readFailure.getMessage(), true,
                        readFailure);
            }
            if (e instanceof IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    private static final class Tracked extends FilterInputStream {
        IOException failure;

        Tracked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }
}
