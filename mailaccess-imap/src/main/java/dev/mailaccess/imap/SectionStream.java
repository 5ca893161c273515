package dev.mailaccess.imap;

import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Streams one section of a message ({@code ""} for the whole message, {@code TEXT}, or a part number) with one
 * {@code UID FETCH uid (BODY.PEEK[section]<offset.count>)}: by UID, so other clients' expunges cannot make it read
 * the wrong message, and with PEEK, so {@code \Seen} is never set. On a bounded connection a large section is not
 * held at all: its literal flows from the connection into the caller's buffer as the caller reads
 * ({@link ResponseReader#readLiteral}), at the speed of a raw socket and in no more memory than the caller's buffer.
 * Until the stream is read to its end or closed, the connection is the stream's: the next command on it first reads
 * the rest and drops it ({@link #drainForNextCommand}), and the stream then fails with an {@link IOException}.
 *
 * <p>Where the connection has no bounded reader (Angus's stream out of reach), it falls back to partial FETCHes in
 * chunks that double from the configured size up to {@link #MAX_CHUNK}, holding one chunk.
 */
final class SectionStream extends InputStream {
    /** Literals up to this size are read whole; larger ones stream. */
    static final int STREAM_ABOVE = 64 * 1024;
    static final int MAX_CHUNK = 4 << 20;
    private static final Pattern BODY_ORIGIN = Pattern.compile("BODY\\[[^\\]]*\\](?:<(\\d+)>)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UID_ITEM = Pattern.compile("[ (]UID (\\d{1,10})", Pattern.CASE_INSENSITIVE);

    private final IMAPFolder folder;
    private final MessageRef ref;
    private final String section;
    private final String where;
    private final Translator translator;
    private long pos;
    private long remaining;
    private int chunkSize;
    private byte[] buf = new byte[0];
    private int bufPos;
    private int bufEnd;
    private boolean last;
    private boolean closed;

    // the streamed literal, on a bounded connection
    private BoundedImapProtocol protocol;
    private String tag;
    /** Bytes of the literal to hand out (a server that ignored the range may send more: the rest is dropped). */
    private long handOut;
    private boolean streaming;
    private String cut;

    /** Turns a failure into the library's exception, knowing how the connection failed. */
    interface Translator {
        MailAccessException translate(Exception e, String where, long startNanos);
    }

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
     * Opens the stream: sends the FETCH and reads up to the section's bytes (a small section whole), so that a
     * missing message fails here rather than on the first read.
     *
     * @param length bytes to read from {@code offset}, or -1 for everything
     * @throws MessageGoneException if no message has the UID
     */
    static SectionStream open(IMAPFolder folder, MessageRef ref, String section, long offset, long length,
                              int chunkSize, String where, Translator translator) {
        if (offset > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("offsets beyond 2 GB are not supported: " + offset);
        }
        long started = System.nanoTime();
        SectionStream s = new SectionStream(folder, ref, section, offset, length, chunkSize, where, translator);
        try {
            Boolean found = (Boolean) folder.doCommand(p -> p instanceof BoundedImapProtocol b
                    && b.responses() != null ? s.start(b) : null);
            if (found == null) {
                found = s.fetchChunk();
            }
            if (!found) {
                throw new MessageGoneException(ref, "no message with UID " + ref.uid() + " " + where);
            }
        } catch (MessagingException | RuntimeException e) {
            throw translator.translate(e, where, started);
        }
        return s;
    }

    // ---------------------------------------------------------------- one FETCH, the literal streamed

    /**
     * Sends the FETCH and reads until the section's literal starts (a large one), or the whole answer (a small one,
     * held in {@link #buf}). False when the answer carried no section for the UID: the message is gone.
     */
    private boolean start(BoundedImapProtocol p) throws ProtocolException {
        String range = pos == 0 && remaining < 0 ? "" : "<" + pos + "." + (remaining < 0 ? Integer.MAX_VALUE
                - pos : Math.min(remaining, Integer.MAX_VALUE - pos)) + ">";
        String command = "UID FETCH " + ref.uid() + " (UID BODY.PEEK[" + section + "]" + range + ")";
        ResponseReader reader = p.responses();
        List<Response> others = new ArrayList<>();
        Response result = null;
        boolean found = false;
        try {
            tag = p.writeCommand(command, null);
            while (result == null) {
                if (reader.nextStreaming(STREAM_ABOVE)) {
                    String head = latin1(reader.buffer(), reader.start(), reader.end());
                    if (isOurs(head)) {
                        expose(origin(head), reader.literalLeft());
                        protocol = p;
                        streaming = true;
                        p.streamStarted(this);
                        return true;
                    }
                    skipLiteral(reader); // another message's answer: not ours to hand out
                    continue;
                }
                Response r = response(p, others);
                if (r instanceof FetchResponse fr && !found) {
                    found = takeSmall(fr);
                } else if (r != null && (r.isBYE() || r.isTagged() && tag.equals(r.getTag()))) {
                    result = r;
                }
            }
        } catch (IOException e) {
            result = Response.byeResponse(e);
        }
        others.add(result);
        p.notifyResponseHandlers(others.toArray(Response[]::new));
        p.handleResult(result);
        last = true;
        return found;
    }

    /** Whether a FETCH answer whose section literal is about to stream is the one for our UID. */
    private boolean isOurs(String head) {
        if (!head.toUpperCase(Locale.ROOT).contains(" FETCH ") || !BODY_ORIGIN.matcher(head).find()) {
            return false;
        }
        Matcher uid = UID_ITEM.matcher(head);
        return !uid.find() || Long.parseLong(uid.group(1)) == ref.uid();
    }

    /** The origin a partial answer names ({@code BODY[]<origin>}), or -1 where it names none. */
    private static long origin(String head) {
        Matcher m = BODY_ORIGIN.matcher(head);
        return m.find() && m.group(1) != null ? Long.parseLong(m.group(1)) : -1;
    }

    /** Sets how much of a section of {@code size} bytes starting at {@code origin} the caller gets. */
    private void expose(long origin, long size) throws IOException {
        if (origin >= 0 && origin != pos) {
            throw new IOException("the server answered a partial FETCH at offset " + pos + " with data from offset "
                    + origin);
        }
        handOut = remaining < 0 ? size : Math.min(size, remaining); // a server that ignored the range sent it all
        pos += handOut;
    }

    /** A small section, read whole with its answer. */
    private boolean takeSmall(FetchResponse fr) throws IOException {
        UID u = fr.getItem(UID.class);
        BODY b = fr.getItem(BODY.class);
        if (b == null || u != null && u.uid != ref.uid()) {
            return false;
        }
        ByteArray ba = b.getByteArray();
        int n = ba == null ? 0 : ba.getCount();
        expose(b.getOrigin(), n);
        buf = ba == null ? new byte[0] : ba.getBytes();
        bufPos = ba == null ? 0 : ba.getStart();
        bufEnd = bufPos + (int) handOut;
        handOut = 0;
        return true;
    }

    /**
     * The response the reader holds, parsed by Angus from its exact bytes with the connection's rules; null if
     * unreadable. Untagged responses other than FETCH answers are kept for the folder.
     */
    private static Response response(BoundedImapProtocol p, List<Response> others) throws IOException {
        IMAPResponse r;
        try {
            r = p.parseCurrent();
        } catch (ProtocolException | RuntimeException unreadable) {
            return null;
        }
        if (!(r instanceof FetchResponse) && !r.isTagged() && !r.isBYE()) {
            others.add(r);
        }
        return r;
    }

    private static void skipLiteral(ResponseReader reader) throws IOException {
        byte[] sink = new byte[8192];
        while (reader.readLiteral(sink, 0, sink.length) >= 0) {
            // dropped
        }
    }

    /**
     * Reads the rest of the answer after the streamed literal (the end of the FETCH, then everything up to the
     * tagged status) and gives the connection back. Called with the folder's locks held, as Angus's commands are.
     */
    private void finish(BoundedImapProtocol p) throws ProtocolException {
        ResponseReader reader = p.responses();
        List<Response> others = new ArrayList<>();
        Response result = null;
        try {
            skipLiteral(reader);
            reader.next(); // the rest of the FETCH answer after its literal
            while (result == null) {
                if (reader.nextStreaming(STREAM_ABOVE)) {
                    skipLiteral(reader); // an unasked answer with a large literal: drop it
                    continue;
                }
                Response r = response(p, others);
                if (r != null && (r.isBYE() || r.isTagged() && tag.equals(r.getTag()))) {
                    result = r;
                }
            }
        } catch (IOException e) {
            result = Response.byeResponse(e);
        } finally {
            streaming = false;
            p.streamEnded(this);
        }
        others.add(result);
        p.notifyResponseHandlers(others.toArray(Response[]::new));
        p.handleResult(result);
    }

    /**
     * Another command is about to go out on the connection while this stream is not read to its end: the rest of
     * the answer is read and dropped so the connection stays in step, and the stream fails from now on.
     */
    void drainForNextCommand() {
        cut = "another command went out on the connection before message " + ref + " was read to its end";
        try {
            finish(protocol);
        } catch (ProtocolException e) {
            cut = cut + " (" + e.getMessage() + ")";
        }
    }

    /** Reads from the streamed literal; at its end, finishes the answer. */
    private int readStreamed(byte[] b, int off, int len) throws IOException {
        if (handOut == 0) {
            endStream();
            return -1;
        }
        int n;
        synchronized (protocol) {
            if (cut != null) {
                throw new IOException(cut);
            }
            n = protocol.responses().readLiteral(b, off, (int) Math.min(len, handOut));
        }
        if (n < 0) {
            throw new IOException("the server ended message " + ref + " early " + where);
        }
        handOut -= n;
        return n;
    }

    /** Finishes the answer with the folder's locks, as a command would. */
    private void endStream() throws IOException {
        if (!streaming) {
            return;
        }
        long started = System.nanoTime();
        try {
            folder.doCommand(p -> {
                if (streaming) {
                    finish(protocol);
                }
                return null;
            });
        } catch (MessagingException | RuntimeException e) {
            MailAccessException t = translator.translate(e, where, started);
            throw new IOException(t.getMessage(), t);
        }
    }

    // ---------------------------------------------------------------- partial FETCHes in chunks (the fallback)

    /** Fetches the next chunk; false if the server sent nothing for the UID (the message is gone). */
    private boolean fetchChunk() throws MessagingException {
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

    // ---------------------------------------------------------------- the stream

    /** Makes bytes available in {@link #buf} (chunks and small sections); false at the end. */
    private boolean fill() throws IOException {
        while (bufPos >= bufEnd) {
            if (last) {
                return false;
            }
            if (!VanishedSafeFolder.isOpen(folder)) { // no NOOP probe when the reader was slow
                throw new IOException("the folder was closed while reading message " + ref);
            }
            long started = System.nanoTime();
            try {
                if (!fetchChunk()) {
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
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (protocol != null) {
            return readStreamed(b, off, len);
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
        return protocol != null ? 0 : bufEnd - bufPos;
    }

    /** Closes the stream; a streamed literal not read to its end is read and dropped, to keep the connection. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        buf = new byte[0];
        bufPos = bufEnd = 0;
        if (protocol != null && cut == null) {
            handOut = 0;
            endStream();
        }
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
