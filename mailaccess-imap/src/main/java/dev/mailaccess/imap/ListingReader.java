package dev.mailaccess.imap;

import dev.mailaccess.Envelope;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.angus.internal.MimeConversion;
import org.eclipse.angus.mail.iap.Protocol;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.protocol.ENVELOPE;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a summary FETCH on an Angus connection and reads its answers itself: in bulk ({@link ResponseReader}) and
 * straight into summaries ({@link SummaryParser}). Everything else in the answer (EXISTS, EXPUNGE, VANISHED, the
 * tagged status, a BYE) is handed to Angus as Angus would have read it, so the folder's state stays Angus's.
 *
 * <p>It reads from the same buffered stream as Angus (reached by reflection; when that is refused, {@link #list}
 * returns null and the caller uses Angus's reader), so nothing Angus buffered is skipped; whatever it reads past the
 * tagged status is read to a whole response and handed to Angus too, so nothing is lost either.
 */
final class ListingReader {
    private static final Logger LOG = LoggerFactory.getLogger(ListingReader.class);
    private static final Pattern UID_ITEM = Pattern.compile("[ (]UID (\\d{1,19})", Pattern.CASE_INSENSITIVE);
    private static final Field PROTOCOL_INPUT;
    private static final Field BUFFERED_INPUT;

    static {
        Field input = null;
        Field buffered = null;
        try {
            input = Protocol.class.getDeclaredField("input");
            buffered = ResponseInputStream.class.getDeclaredField("bin");
            input.setAccessible(true);
            buffered.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Angus's input stream is out of reach ({}); listings use Angus's reader", e.toString());
            input = null;
            buffered = null;
        }
        PROTOCOL_INPUT = input;
        BUFFERED_INPUT = buffered;
    }

    private ListingReader() {
    }

    /** The stream Angus reads this connection's responses from, or null if it cannot be reached. */
    private static InputStream angusInput(Protocol p) {
        if (PROTOCOL_INPUT == null) {
            return null;
        }
        try {
            Object responses = PROTOCOL_INPUT.get(p);
            return responses == null ? null : (InputStream) BUFFERED_INPUT.get(responses);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Sends {@code command} (a FETCH of UID and summary items) and returns the summaries it answered, keyed by UID in
     * the server's order; null when Angus's stream is out of reach (nothing was sent then). A NO, BAD or BYE, or a
     * connection lost half-way, throws what Angus's own command would have thrown.
     */
    static Map<Long, MessageSummary> list(IMAPProtocol p, String command, long uidValidity)
            throws ProtocolException {
        InputStream in = angusInput(p);
        if (in == null) {
            return null;
        }
        Map<Long, MessageSummary> out = new LinkedHashMap<>();
        List<Response> others = new ArrayList<>();
        Response result = null;
        SummaryParser parser = new SummaryParser(uidValidity);
        try {
            String tag = p.writeCommand(command, null);
            ResponseReader reader = new ResponseReader(in);
            while (result == null || reader.hasBuffered() && !result.isBYE()) {
                reader.next();
                byte[] b = reader.buffer();
                if (result == null && SummaryParser.isFetch(b, reader.start(), reader.end())) {
                    MessageSummary m = summary(p, parser, b, reader.start(), reader.end(), uidValidity);
                    if (m != null) {
                        out.put(m.ref().uid(), m);
                    }
                    continue;
                }
                IMAPResponse r = new IMAPResponse(latin1(b, reader.start(), reader.end()));
                if (result != null) {
                    unsolicited(p, r, others); // sent after the tagged status: Angus's to handle
                } else if (r.isTagged() && tag.equals(r.getTag())) {
                    result = r;
                } else if (r.isBYE()) {
                    result = r;
                } else {
                    others.add(r);
                }
            }
        } catch (IOException e) {
            result = Response.byeResponse(e); // as Angus: the connection is gone
        }
        others.add(result);
        p.notifyResponseHandlers(others.toArray(Response[]::new));
        p.handleResult(result);
        return out;
    }

    private static void unsolicited(IMAPProtocol p, IMAPResponse r, List<Response> others) {
        if (!r.keyEquals("FETCH")) {
            others.add(r);
            return;
        }
        try {
            others.add(new FetchResponse(r, null, p)); // Angus's folder takes a FETCH only in this form
        } catch (IOException | ProtocolException e) {
            LOG.debug("unreadable unsolicited FETCH skipped, as Angus does: {}", e.toString());
        }
    }

    /** One FETCH answer: the fast parser, or Angus's for what it does not know. */
    private static MessageSummary summary(IMAPProtocol p, SummaryParser parser, byte[] b, int from, int to,
                                          long uidValidity) {
        try {
            return parser.parse(b, from, to);
        } catch (SummaryParser.Unparsed fast) {
            String text = latin1(b, from, to);
            try {
                return summary(new FetchResponse(new IMAPResponse(text), null, p), uidValidity);
            } catch (IOException | ProtocolException | RuntimeException angus) {
                // Angus would drop the answer (and the message with it); keep the message, say what was unreadable
                Matcher uid = UID_ITEM.matcher(text);
                if (!uid.find()) {
                    LOG.warn("unreadable FETCH answer without a UID skipped: {}", abbreviate(text));
                    return null;
                }
                LOG.warn("unreadable FETCH answer, listed with an empty envelope: {} ({})", abbreviate(text),
                        angus.toString());
                return new MessageSummary(MessageRef.imap(uidValidity, Long.parseLong(uid.group(1))),
                        new Envelope(null, "", List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                                "", ""), null, -1, null, null, null);
            }
        }
    }

    /** Angus's answer as a summary: the items it carries, the others empty. Null without a UID. */
    static MessageSummary summary(FetchResponse fr, long uidValidity) {
        UID uid = fr.getItem(UID.class);
        if (uid == null) {
            return null;
        }
        ENVELOPE env = fr.getItem(ENVELOPE.class);
        FLAGS flags = fr.getItem(FLAGS.class);
        RFC822SIZE size = fr.getItem(RFC822SIZE.class);
        INTERNALDATE date = fr.getItem(INTERNALDATE.class);
        return new MessageSummary(MessageRef.imap(uidValidity, uid.uid),
                env == null ? null : MimeConversion.envelope(env),
                flags == null ? null : MimeConversion.flags(flags),
                size == null ? -1 : size.size,
                date == null || date.getDate() == null ? null : date.getDate().toInstant(),
                null, null);
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
