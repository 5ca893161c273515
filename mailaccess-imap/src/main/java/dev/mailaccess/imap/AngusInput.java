package dev.mailaccess.imap;

import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.InputStream;
import java.lang.reflect.Field;

/**
 * The one reach into Angus's private state: the buffered stream inside a {@link ResponseInputStream}, which is where
 * a connection's bytes come from after TLS and (if on) decompression. {@link BoundedImapProtocol} reads every
 * response from it itself, in bulk and within bounds. When a later Angus renames the field or the module system
 * refuses the reach, {@link #buffered} returns null and Angus's own unbounded reader is used, with a warning;
 * {@code AngusInputTest} fails in that case so an Angus upgrade cannot bring the slow, unbounded path back quietly.
 */
final class AngusInput {
    private static final Logger LOG = LoggerFactory.getLogger(AngusInput.class);
    private static final Field BUFFERED = find();

    private AngusInput() {
    }

    private static Field find() {
        try {
            Field f = ResponseInputStream.class.getDeclaredField("bin");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Angus's response stream is out of reach ({}): IMAP responses are read by Angus, without the "
                    + "library's bounds on line and literal sizes", e.toString());
            return null;
        }
    }

    /** Whether the reach works on this Angus and this module setup. */
    static boolean reachable() {
        return BUFFERED != null;
    }

    /** The stream {@code responses} reads from, or null when it is out of reach. */
    static InputStream buffered(ResponseInputStream responses) {
        if (BUFFERED == null || responses == null) {
            return null;
        }
        try {
            return (InputStream) BUFFERED.get(responses);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
