package dev.mailaccess;

import dev.mailaccess.internal.ReadTracking;
import dev.mailaccess.internal.Threader;
import dev.mailaccess.search.SearchQuery;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The work behind {@link MailFolder}'s default methods, for an adapter whose protocol has no better way: each
 * message on its own, through {@link MailFolder#openMessage(MessageRef)} or {@link MailFolder#openHeaders}. Kept
 * out of the interface so that it reads as the contract it is.
 */
final class MailFolderDefaults {
    private MailFolderDefaults() {
    }

    /**
     * The start of the whole message up to and including the empty line (CRLF CRLF or LF LF), read a byte at a
     * time so that nothing past the header block is read.
     */
    static InputStream headersFromMessage(MailFolder folder, MessageRef ref) {
        try (InputStream in = folder.openMessage(ref)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int state = 0; // counts the bytes of CRLF CRLF (or LF LF) seen in a row
            int c;
            while ((c = in.read()) >= 0) {
                out.write(c);
                if (c == '\n') {
                    state = state == 0 ? 1 : 2;
                    if (state == 2) {
                        break;
                    }
                } else if (c != '\r') {
                    state = 0;
                }
            }
            return new ByteArrayInputStream(out.toByteArray());
        } catch (IOException e) {
            throw new MailAccessException("cannot read the headers of " + ref + ": " + e.getMessage(), e);
        }
    }

    /** Each message through {@link MailFolder#openMessage(MessageRef)} to the sink, in order; gone ones skipped. */
    static void downloadEach(MailFolder folder, Collection<MessageRef> refs, MessageSink sink) {
        for (MessageRef ref : refs) {
            InputStream in;
            try {
                in = folder.openMessage(ref);
            } catch (MessageGoneException gone) {
                continue;
            }
            try (in) {
                ReadTracking.deliver(ref, in, sink);
            } catch (IOException closing) {
                // nothing left to read
            }
        }
    }

    /** Each message's header block through {@link MailFolder#openHeaders}; gone ones left out. */
    static Map<MessageRef, byte[]> headerBlocksOfEach(MailFolder folder, Collection<MessageRef> refs) {
        Map<MessageRef, byte[]> out = new LinkedHashMap<>();
        for (MessageRef ref : refs) {
            try (InputStream in = folder.openHeaders(ref)) {
                out.put(ref, in.readAllBytes());
            } catch (MessageGoneException gone) {
                // left out, as documented
            } catch (IOException e) {
                throw new MailAccessException("cannot read the headers of " + ref + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * RFC 5256 threading run here: the messages the query matches ({@link MailFolder#search}, whose answer is the
     * server part: core hands over only queries the server can answer), their threading headers in one
     * {@link MailFolder#summaries} batch, then {@link Threader}.
     */
    static List<MessageThread> threadLocally(MailFolder folder, ThreadAlgorithm algorithm, SearchQuery query) {
        List<MessageRef> refs = query instanceof SearchQuery.All ? folder.refs() : folder.search(query);
        if (refs.isEmpty()) {
            return List.of();
        }
        return Threader.thread(algorithm, Threader.messages(folder.summaries(refs, Threader.SPEC)));
    }
}
