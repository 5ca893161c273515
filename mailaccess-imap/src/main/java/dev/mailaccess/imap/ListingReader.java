package dev.mailaccess.imap;

import dev.mailaccess.Envelope;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.angus.internal.MimeConversion;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;
import org.eclipse.angus.mail.imap.protocol.ENVELOPE;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.Item;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a summary FETCH (of any message set, by UID or by sequence number) on a {@link BoundedImapProtocol} and
 * reads its answers itself, in bulk ({@link ResponseReader}) and straight into summaries ({@link SummaryParser});
 * an answer the fast parser does not know goes to Angus's parser. Everything else in the answer (EXISTS, EXPUNGE,
 * VANISHED, the tagged status, a BYE) is handed to Angus as Angus would have read it, so the folder's state stays
 * Angus's.
 *
 * <p>One bad answer never sinks the listing: an answer neither parser can read, or one that lacks an item that was
 * asked for, gives a summary with what could be read (an empty envelope where the envelope is missing) and a
 * warning naming the server and the UID.
 */
final class ListingReader {
    private static final Logger LOG = LoggerFactory.getLogger(ListingReader.class);
    private static final Pattern UID_ITEM = Pattern.compile("[ (]UID (\\d{1,19})", Pattern.CASE_INSENSITIVE);
    private static final long MAX_UID = 0xFFFF_FFFFL;
    private static final Envelope EMPTY = new Envelope(null, "", List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), "", "");

    private ListingReader() {
    }

    /** The FETCH items that give {@code spec}, UID first: e.g. {@code UID ENVELOPE FLAGS}. */
    static String items(FetchSpec spec) {
        StringBuilder items = new StringBuilder("UID");
        if (spec.has(FetchSpec.Item.ENVELOPE)) {
            items.append(" ENVELOPE");
        }
        if (spec.has(FetchSpec.Item.FLAGS)) {
            items.append(" FLAGS");
        }
        if (spec.has(FetchSpec.Item.SIZE)) {
            items.append(" RFC822.SIZE");
        }
        if (spec.has(FetchSpec.Item.INTERNAL_DATE)) {
            items.append(" INTERNALDATE");
        }
        if (spec.has(FetchSpec.Item.STRUCTURE)) {
            items.append(" BODYSTRUCTURE");
        }
        if (!spec.headers().isEmpty()) {
            items.append(" BODY.PEEK[HEADER.FIELDS (").append(String.join(" ", spec.headers())).append(")]");
        }
        if (spec.has(FetchSpec.Item.PREVIEW)) {
            items.append(" PREVIEW");
        }
        return items.toString();
    }

    /**
     * Sends {@code command} (a FETCH of UID and the items of {@code spec}) and returns the summaries it answered,
     * keyed by UID in the server's order; null when the connection reads through Angus's own reader (nothing was
     * sent then). A NO, BAD or BYE, or a connection lost half-way, throws what Angus's own command would have thrown.
     *
     * @param server names the server in warnings about unreadable answers
     */
    static Map<Long, MessageSummary> list(IMAPProtocol p, String command, long uidValidity, FetchSpec spec,
                                          String server) throws ProtocolException {
        return list(p, command, uidValidity, spec, server, r -> { });
    }

    /**
     * {@link #list(IMAPProtocol, String, long, FetchSpec, String)}, showing {@code untagged} every untagged response
     * that is not a FETCH answer (such as {@code VANISHED (EARLIER)}) before Angus handles it; it must not read
     * from the response (Angus reads it next), only look at its text.
     */
    static Map<Long, MessageSummary> list(IMAPProtocol p, String command, long uidValidity, FetchSpec spec,
                                          String server, java.util.function.Consumer<IMAPResponse> untagged)
            throws ProtocolException {
        ResponseReader reader = p instanceof BoundedImapProtocol b ? b.responses() : null;
        if (reader == null) {
            return null;
        }
        BoundedImapProtocol bounded = (BoundedImapProtocol) p;
        Map<Long, MessageSummary> out = new LinkedHashMap<>();
        List<Response> others = new ArrayList<>();
        Response result = null;
        SummaryParser parser = new SummaryParser(uidValidity);
        int answers = 0;
        try {
            String tag = p.writeCommand(command, null);
            while (result == null) {
                reader.next();
                byte[] b = reader.buffer();
                if (SummaryParser.isFetch(b, reader.start(), reader.end())) {
                    bounded.checkListed(++answers);
                    MessageSummary m = summary(bounded, parser, b, reader.start(), reader.end(), uidValidity, spec,
                            server);
                    if (m != null) {
                        out.put(m.ref().uid(), m);
                    }
                    continue;
                }
                IMAPResponse r;
                try {
                    r = bounded.parseCurrent(); // with the connection's rules
                } catch (ProtocolException | RuntimeException unreadable) {
                    LOG.debug("unreadable response skipped, as Angus does: {}", unreadable.toString());
                    continue;
                }
                if (r.isBYE() || r.isTagged() && tag.equals(r.getTag())) {
                    result = r;
                } else {
                    if (r.isUnTagged()) {
                        untagged.accept(r);
                    }
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

    /**
     * One FETCH answer: the fast parser; Angus's for what it does not know (where Angus can read it without
     * spinning); else what the fast parser can read with the unreadable items skipped; else just the UID.
     */
    private static MessageSummary summary(BoundedImapProtocol p, SummaryParser parser, byte[] b, int from, int to,
                                          long uidValidity, FetchSpec spec, String server) throws IOException {
        MessageSummary parsed;
        try {
            parsed = parser.parse(b, from, to);
        } catch (SummaryParser.Unparsed | RuntimeException fast) { // the latter a parser bug: Angus decides
            String text = latin1(b, from, to);
            try {
                // Angus's parser, on the exact bytes; refused where it would spin (ResponseSafety)
                parsed = p.parseCurrent() instanceof FetchResponse fr ? summary(fr, uidValidity) : null;
            } catch (ProtocolException | RuntimeException angus) {
                // Angus would drop the answer (and the message with it); keep the message with what can be read
                parsed = readable(parser, b, from, to, text, uidValidity);
                if (parsed == null) {
                    LOG.warn("{}: unreadable FETCH answer without a usable UID skipped: {}", server,
                            abbreviate(text));
                    return null;
                }
                LOG.debug("{}: unreadable FETCH answer for UID {}: {} ({})", server, parsed.ref().uid(),
                        abbreviate(text), angus.toString());
                return complete(parsed, spec, server, "could not be read whole (" + angus.getMessage() + ")");
            }
        }
        return parsed == null ? null : complete(parsed, spec, server, "is incomplete");
    }

    /** The answer with its unreadable items skipped, or only its UID; null without a usable UID. */
    private static MessageSummary readable(SummaryParser parser, byte[] b, int from, int to, String text,
                                           long uidValidity) {
        try {
            MessageSummary partial = parser.parseLeniently(b, from, to);
            if (partial != null) {
                return partial;
            }
        } catch (SummaryParser.Unparsed | RuntimeException stillUnreadable) {
            // down to the UID
        }
        Matcher uid = UID_ITEM.matcher(text);
        long found = uid.find() ? parseUid(uid.group(1)) : 0;
        return found == 0 ? null
                : new MessageSummary(MessageRef.imap(uidValidity, found), null, null, -1, null, null, null);
    }

    /**
     * Angus's answer as a summary: the items it carries, the others empty. Null without a UID. Header fields come
     * back under the names the answer gives; {@link #complete} puts them under the names asked for.
     */
    static MessageSummary summary(FetchResponse fr, long uidValidity) {
        UID uid = fr.getItem(UID.class);
        if (uid == null) {
            return null;
        }
        if (uid.uid <= 0 || uid.uid > MAX_UID) {
            throw new IllegalArgumentException("UID " + uid.uid + " out of range");
        }
        ENVELOPE env = fr.getItem(ENVELOPE.class);
        FLAGS flags = fr.getItem(FLAGS.class);
        RFC822SIZE size = fr.getItem(RFC822SIZE.class);
        INTERNALDATE date = fr.getItem(INTERNALDATE.class);
        BODYSTRUCTURE structure = fr.getItem(BODYSTRUCTURE.class);
        Map<String, List<String>> headers = null;
        for (int i = 0; i < fr.getItemCount(); i++) {
            Item item = fr.getItem(i);
            if (item instanceof BODY body && body.getSection() != null
                    && body.getSection().toUpperCase(java.util.Locale.ROOT).startsWith("HEADER")) {
                headers = HeaderFields.of(body.getByteArrayInputStream());
            }
        }
        // null where the protocol has no extension items (a connection made by Angus rather than ours)
        Object preview = fr.getExtensionItems() == null ? null : fr.getExtensionItems().get(PreviewItem.NAME);
        return new MessageSummary(MessageRef.imap(uidValidity, uid.uid),
                env == null ? null : MimeConversion.envelope(env),
                flags == null ? null : MimeConversion.flags(flags),
                size == null ? -1 : size.size,
                date == null || date.getDate() == null ? null : date.getDate().toInstant(),
                structure == null ? null : BodyStructures.toBodyPart(structure),
                headers, preview instanceof String text ? text : null);
    }

    /**
     * The summary with every item that was asked for: header fields under the names asked for (an empty list where
     * the message has none), an empty envelope where the server sent none. A missing item is logged with the UID.
     */
    static MessageSummary complete(MessageSummary m, FetchSpec spec, String server) {
        return complete(m, spec, server, "is incomplete");
    }

    /** {@link #complete(MessageSummary, FetchSpec, String)}, saying {@code why} items are missing in the warning. */
    private static MessageSummary complete(MessageSummary m, FetchSpec spec, String server, String why) {
        List<String> missing = new ArrayList<>();
        Envelope envelope = m.envelope();
        if (spec.has(FetchSpec.Item.ENVELOPE) && envelope == null) {
            missing.add("ENVELOPE");
            envelope = EMPTY;
        }
        if (spec.has(FetchSpec.Item.FLAGS) && m.flags() == null) {
            missing.add("FLAGS");
        }
        if (spec.has(FetchSpec.Item.SIZE) && m.size() < 0) {
            missing.add("RFC822.SIZE");
        }
        if (spec.has(FetchSpec.Item.INTERNAL_DATE) && m.internalDate() == null) {
            missing.add("INTERNALDATE");
        }
        if (spec.has(FetchSpec.Item.STRUCTURE) && m.structure() == null) {
            missing.add("BODYSTRUCTURE");
        }
        String preview = m.preview();
        if (spec.has(FetchSpec.Item.PREVIEW) && preview == null) {
            missing.add("PREVIEW");
            preview = "";
        }
        Map<String, List<String>> headers = m.headers();
        if (!spec.headers().isEmpty()) {
            Map<String, List<String>> asked = new LinkedHashMap<>();
            for (String name : spec.headers()) {
                List<String> values = List.of();
                for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(name)) {
                        values = e.getValue();
                    }
                }
                asked.put(name, values);
            }
            headers = asked;
        }
        if (!missing.isEmpty()) {
            LOG.warn("{}: the answer for UID {} {}: listed without {}", server, m.ref().uid(), why,
                    String.join(", ", missing));
        }
        if (envelope == m.envelope() && headers == m.headers() && preview == m.preview()) {
            return m;
        }
        return new MessageSummary(m.ref(), envelope, m.flags(), m.size(), m.internalDate(), m.structure(), headers,
                preview);
    }

    /** A UID as written in an answer, or 0 when it is none a message can have (0, or beyond 32 bits). */
    private static long parseUid(String digits) {
        if (digits.length() > 10) {
            return 0;
        }
        long uid = Long.parseLong(digits);
        return uid > MAX_UID ? 0 : uid;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }
}
