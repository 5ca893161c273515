package dev.mailaccess.imap;

import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.io.InputStream;

/**
 * Streams one section of a message ({@code ""} for the whole message, {@code TEXT}, or a part number) with
 * {@code UID FETCH uid (BODY.PEEK[section]<offset.count>)} in fixed-size chunks: by UID, so other clients' expunges
 * cannot make it read the wrong message, and with PEEK, so {@code \Seen} is never set. Holds at most one chunk.
 */
final class SectionStream extends InputStream {
    private final IMAPFolder folder;
    private final MessageRef ref;
    private final String section;
    private final String where;
    /**
     * Bytes asked for per FETCH: starts at the configured chunk (a small message takes one round trip) and doubles
     * up to {@link #MAX_CHUNK} while the stream is read, so a 100 MB message takes about 30 round trips, not 400,
     * with at most one chunk (and Angus's copy of it) in memory.
     */
    private int chunkSize;
    static final int MAX_CHUNK = 4 << 20;
    private final Translator translator;
    private long pos;
    private long remaining;
    private byte[] buf = new byte[0];
    private int bufPos;
    private int bufEnd;
    private boolean last;
    private boolean closed;

    /**
     * @param length bytes to read from {@code offset}, or -1 for everything
     */
    private SectionStream(IMAPFolder folder, MessageRef ref, String section, long offset, long length,
                          int chunkSize, String where, Translator translator) {
        this.translator = translator;
        this.folder = folder;
        this.ref = ref;
        this.section = section;
        this.pos = offset;
        this.remaining = length;
        this.chunkSize = chunkSize;
        this.where = where;
    }

    /**
     * Opens the stream and fetches the first chunk at once, so that a missing message fails here rather than on the
     * first read (and a small message needs no further round trip).
     *
     * @throws MessageGoneException if no message has the UID
     */
    static SectionStream open(IMAPFolder folder, MessageRef ref, String section, long offset, long length,
                              int chunkSize, String where, Translator translator) {
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offsets beyond 2 GB are not supported: " + offset);
        }
        long started = System.nanoTime();
        SectionStream s = new SectionStream(folder, ref, section, offset, length, chunkSize, where,
                translator);
        try {
            if (!s.fetch()) {
                throw new MessageGoneException(ref, "no message with UID " + ref.uid() + " " + where);
            }
        } catch (MessagingException | RuntimeException e) {
            throw translator.translate(e, where, started);
        }
        return s;
    }

    /** Turns a failure into the library's exception, knowing how the connection failed. */
    interface Translator {
        MailAccessException translate(Exception e, String where, long startNanos);
    }

    /** Fetches the next chunk; false if the server sent nothing for the UID (the message is gone). */
    private boolean fetch() throws MessagingException {
        long limit = remaining < 0 ? chunkSize : Math.min(chunkSize, remaining);
        long maxByOffset = Integer.MAX_VALUE - pos;
        int count = (int) Math.min(limit, maxByOffset);
        if (count <= 0) {
            last = true;
            bufPos = bufEnd = 0;
            return true;
        }
        long uid = ref.uid();
        long start = pos;
        if (start > 0) {
            chunkSize = (int) Math.min(MAX_CHUNK, 2L * chunkSize);
        }
        String command = "UID FETCH " + uid + " (BODY.PEEK[" + section + "]<" + start + "." + count + ">)";
        BODY body = (BODY) folder.doCommand(p -> {
            Response[] r = p.command(command, null);
            // Hand the folder the unsolicited responses (EXISTS, EXPUNGE, ...), but not our FETCH answers: they only
            // carry body data, and some servers (GreenMail) number them as if an EXPUNGE sent later in the same
            // answer had already happened, which would make Angus pair a UID with the wrong message.
            p.notifyResponseHandlers(java.util.Arrays.stream(r).filter(x -> !(x instanceof FetchResponse))
                    .toArray(Response[]::new));
            p.handleResult(r[r.length - 1]);
            for (Response x : r) {
                if (x instanceof FetchResponse fr) {
                    UID u = fr.getItem(UID.class);
                    BODY b = fr.getItem(BODY.class);
                    if (b != null && (u == null || u.uid == uid)) {
                        return b;
                    }
                }
            }
            return null;
        });
        if (body == null) {
            return false;
        }
        ByteArray ba = body.getByteArray();
        int n = ba == null ? 0 : ba.getCount();
        int origin = body.getOrigin();
        if (origin < 0 && start == 0) {
            // The server ignored the range and sent the whole section from the start.
            n = (int) Math.min(n, remaining < 0 ? n : remaining);
            last = true;
        } else if (origin != start) {
            throw new MessagingException("the server answered a partial FETCH at offset " + start
                    + " with data from offset " + origin);
        } else {
            n = Math.min(n, count);
            last = n < count;
        }
        buf = ba == null ? new byte[0] : ba.getBytes();
        bufPos = ba == null ? 0 : ba.getStart();
        bufEnd = bufPos + n;
        pos += n;
        if (remaining >= 0) {
            remaining -= n;
            if (remaining == 0) {
                last = true;
            }
        }
        return true;
    }

    private boolean fill() throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (bufPos >= bufEnd) {
            if (last) {
                return false;
            }
            if (!VanishedSafeFolder.isOpen(folder)) { // no NOOP probe when the reader was slow
                throw new IOException("the folder was closed while reading message " + ref);
            }
            long started = System.nanoTime();
            try {
                if (!fetch()) {
                    MailAccessException gone = new MessageGoneException(ref, "expunged while being read " + where);
                    throw new IOException(gone.getMessage(), gone);
                }
            } catch (MessagingException | RuntimeException e) {
                MailAccessException t = translator.translate(e, where, started);
                throw new IOException(t.getMessage(), t);
            }
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buf[bufPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, bufEnd - bufPos);
        System.arraycopy(buf, bufPos, b, off, n);
        bufPos += n;
        return n;
    }

    @Override
    public int available() {
        return bufEnd - bufPos;
    }

    @Override
    public void close() {
        closed = true;
        buf = new byte[0];
        bufPos = bufEnd = 0;
    }
}
