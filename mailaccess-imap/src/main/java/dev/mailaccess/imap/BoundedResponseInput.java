package dev.mailaccess.imap;

import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.ResponseInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * What Angus reads its responses from on a {@link BoundedImapProtocol}: one {@link ResponseReader} (bulk reads,
 * bounded sizes, a transfer clock) in place of Angus's byte-at-a-time, unbounded reader. The same reader serves the
 * adapter's own listing ({@link ListingReader}), so the two never disagree about where a response ends.
 */
final class BoundedResponseInput extends ResponseInputStream {
    private final InputStream source;
    private final ResponseReader reader;
    private boolean replay;

    /**
     * @param source where the reader reads from; its {@code available()} must not claim bytes that have not come
     *               (over an inflater, {@link InflatedSource} sees to that), or Angus's IDLE loop would block
     *               reading a response the server has not sent
     */
    BoundedResponseInput(InputStream source, ResponseReader reader) {
        super(InputStream.nullInputStream()); // Angus's own buffer stays unused
        this.source = source;
        this.reader = reader;
    }

    ResponseReader reader() {
        return reader;
    }

    /**
     * Makes the next {@link #readResponse} hand Angus the response the reader holds now instead of reading another:
     * a response read by the adapter's own code is then parsed by Angus from its exact bytes.
     */
    void replayCurrent() {
        replay = true;
    }

    /** The next response, into {@code ba} when given (Angus reuses a buffer for body chunks), ending in CRLF. */
    @Override
    public ByteArray readResponse(ByteArray ba) throws IOException {
        if (replay) {
            replay = false;
        } else {
            reader.next();
        }
        int length = reader.end() - reader.start();
        if (ba == null) {
            ba = new ByteArray(length + 2);
        } else if (ba.getBytes().length < length + 2) {
            ba.grow(length + 2 - ba.getBytes().length);
        }
        byte[] target = ba.getBytes();
        System.arraycopy(reader.buffer(), reader.start(), target, 0, length);
        target[length] = '\r'; // Angus expects CRLF; a bare LF from the server becomes one
        target[length + 1] = '\n';
        ba.setCount(length + 2);
        return ba;
    }

    @Override
    public int available() throws IOException {
        return reader.hasBuffered() ? 1 : source.available();
    }
}
