package dev.mailaccess.search;

import dev.mailaccess.BodyPart;
import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.internal.HeaderText;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.SharedByteArrayInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.ParsePosition;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message prepared for local search: evaluates a {@link SearchQuery} with IMAP's semantics (RFC 3501 / 9051
 * section 6.4.4) on the message's raw RFC 5322 bytes plus optional {@link Facts} (flags, internal date, size,
 * reference, structure). The message is parsed once, lazily; decoded values are cached, so evaluating many queries on
 * one instance is cheap. Not thread-safe.
 *
 * <p>Semantics, in detail:
 * <ul>
 *   <li>String predicates are case-insensitive substring matches (Unicode lower case, {@link Locale#ROOT}).</li>
 *   <li>Header values are unfolded and their RFC 2047 encoded words decoded (leniently). {@code from to cc bcc}
 *       match each address of the header as the decoded {@code Name <local@domain>} (or {@code local@domain} when
 *       there is no name); a header that does not parse as addresses is matched as its decoded text.</li>
 *   <li>{@code body} matches the decoded text (transfer encoding and charset) of every leaf {@code text/*} part,
 *       one part at a time, including text parts marked as attachments (as Dovecot does); non-text parts are not
 *       searched. {@code text} matches any header line ({@code Name: decoded value}) of the message or of any of
 *       its MIME parts (so an attachment's file name matches, as on Dovecot), or the body.</li>
 *   <li>Sent dates come from the first {@code Date} header, compared by the day as written in the header (its own
 *       zone; time and zone are disregarded, RFC 3501). A message without a parsable Date counts as sent on
 *       1970-01-01, as Dovecot does (the RFCs say nothing; the epoch keeps {@code before:} and {@code -before:}
 *       complementary).</li>
 *   <li>Received dates are the {@link Facts#internalDate()} taken as a day in the JVM's default zone (as the
 *       server's local day). Without an internal date (a Maildir file copied without its mtime, a POP3 message),
 *       the date of the newest {@code Received} header is used, then the Date header.</li>
 *   <li>Size is {@link Facts#size()} when known (RFC822.SIZE, POP3 LIST), otherwise the raw byte count.</li>
 *   <li>Flags, keywords and refs need the corresponding facts; {@code has:attachment} uses the
 *       {@link Facts#structure()} when given, otherwise the MIME tree.</li>
 * </ul>
 * A predicate whose data is missing (body of a {@link #headersOnly headers-only} message, flags not given) throws
 * {@link IllegalStateException}; use {@link SearchPlanner#needs(SearchQuery)} to know what to supply.
 */
public final class SearchableMessage {
    private static final Session SESSION;

    static {
        Properties p = new Properties();
        p.setProperty("mail.mime.decodetext.strict", "false");
        p.setProperty("mail.mime.address.strict", "false");
        p.setProperty("mail.mime.parameters.strict", "false");
        p.setProperty("mail.mime.allowutf8", "true");
        SESSION = Session.getInstance(p);
    }

    /**
     * What is known about a message besides its bytes. Any field may be null (or -1 for size): unknown.
     *
     * @param ref          the message's reference, for {@link SearchQuery.RefIn}
     * @param flags        its flags and keywords, for flag and keyword predicates
     * @param internalDate the server's received date
     * @param size         RFC822.SIZE in bytes, or -1 to count the raw bytes
     * @param structure    MIME structure, for {@code has:attachment} without the body
     */
    public record Facts(MessageRef ref, Flags flags, Instant internalDate, long size, BodyPart structure) {
        /** Nothing known besides the bytes. */
        public static final Facts NONE = new Facts(null, null, null, -1, null);
    }

    private final byte[] raw;
    private final boolean complete;
    private final Facts facts;
    private InternetHeaders headers;
    private MimeMessage message;
    private List<String> bodyTexts;
    private Boolean attachment;
    private final Map<String, List<String>> decodedHeaders = new ConcurrentHashMap<>();
    private List<String> headerLines;

    private SearchableMessage(byte[] raw, boolean complete, Facts facts) {
        this.raw = raw;
        this.complete = complete;
        this.facts = facts == null ? Facts.NONE : facts;
    }

    /**
     * A complete message from its raw RFC 5322 bytes (not copied: do not change the array).
     *
     * @param rfc822 the whole message
     * @param facts  what else is known; null for {@link Facts#NONE}
     * @return the message, parsed when a query first needs it
     */
    public static SearchableMessage of(byte[] rfc822, Facts facts) {
        return new SearchableMessage(rfc822, true, facts);
    }

    /**
     * A complete message read from a stream (read fully; the caller closes the stream).
     *
     * @param rfc822 the whole message
     * @param facts  what else is known; null for {@link Facts#NONE}
     * @return the message, parsed when a query first needs it
     * @throws IOException if reading the stream fails
     */
    public static SearchableMessage of(InputStream rfc822, Facts facts) throws IOException {
        return new SearchableMessage(rfc822.readAllBytes(), true, facts);
    }

    /**
     * Only the header block of a message (e.g. IMAP {@code BODY.PEEK[HEADER]} or POP3 {@code TOP n 0}): header,
     * date and fact predicates work, body predicates throw {@link IllegalStateException}.
     *
     * @param headerBlock the header block, up to and including the empty line (not copied)
     * @param facts       what else is known; null for {@link Facts#NONE}
     * @return the message without its body
     */
    public static SearchableMessage headersOnly(byte[] headerBlock, Facts facts) {
        return new SearchableMessage(headerBlock, false, facts);
    }

    /**
     * The facts given.
     *
     * @return the facts, {@link Facts#NONE} if none were given
     */
    public Facts facts() {
        return facts;
    }

    /**
     * Whether the body is present.
     *
     * @return true for a complete message, false for a {@link #headersOnly headers-only} one
     */
    public boolean hasBody() {
        return complete;
    }

    /**
     * Evaluates the query.
     *
     * @param q the query
     * @return true if the message matches
     * @throws IllegalStateException if the query needs data this message was not given (body, flags, ref)
     */
    public boolean matches(SearchQuery q) {
        if (q instanceof SearchQuery.All) {
            return true;
        }
        if (q instanceof SearchQuery.And a) {
            for (SearchQuery t : a.terms()) {
                if (!matches(t)) {
                    return false;
                }
            }
            return true;
        }
        if (q instanceof SearchQuery.Or o) {
            for (SearchQuery t : o.terms()) {
                if (matches(t)) {
                    return true;
                }
            }
            return false;
        }
        if (q instanceof SearchQuery.Not n) {
            return !matches(n.term());
        }
        if (q instanceof SearchQuery.Contains c) {
            String needle = fold(c.text());
            return switch (c.field()) {
                case FROM, TO, CC, BCC -> anyContains(addresses(headerName(c.field())), needle);
                case SUBJECT -> anyContains(decoded("Subject"), needle);
                case BODY -> anyContains(bodyTexts(), needle);
                case TEXT -> anyContains(headerLines(), needle) || anyContains(bodyTexts(), needle)
                        || anyContains(partHeaderLines(), needle);
            };
        }
        if (q instanceof SearchQuery.HeaderContains h) {
            List<String> values = decoded(h.name());
            if (h.text().isEmpty()) {
                return !values.isEmpty();
            }
            return anyContains(values, fold(h.text()));
        }
        if (q instanceof SearchQuery.DateIs d) {
            LocalDate day = d.field() == SearchQuery.DateField.SENT ? sentDay() : receivedDay();
            if (day == null) {
                return false;
            }
            return switch (d.op()) {
                case BEFORE -> day.isBefore(d.date());
                case ON -> day.isEqual(d.date());
                case SINCE -> !day.isBefore(d.date());
            };
        }
        if (q instanceof SearchQuery.SizeIs s) {
            long size = size();
            return s.larger() ? size > s.bytes() : size < s.bytes();
        }
        if (q instanceof SearchQuery.FlagIs f) {
            return flags().contains(f.flag()) == f.set();
        }
        if (q instanceof SearchQuery.KeywordIs k) {
            return flags().containsKeyword(k.keyword()) == k.set();
        }
        if (q instanceof SearchQuery.RefIn r) {
            if (facts.ref() == null) {
                throw new IllegalStateException("ref: needs the message's reference (Facts.ref)");
            }
            return r.refs().contains(facts.ref());
        }
        if (q instanceof SearchQuery.HasAttachment) {
            return hasAttachment();
        }
        throw new IllegalArgumentException("unknown query node " + q);
    }

    /**
     * The message's size: the known size, else the raw byte count.
     *
     * @return {@link Facts#size()} when known, else the length of the raw bytes
     * @throws IllegalStateException if the size is unknown and only the headers were given
     */
    public long size() {
        if (facts.size() >= 0) {
            return facts.size();
        }
        if (!complete) {
            throw new IllegalStateException("larger:/smaller: need the size (Facts.size) or the whole message");
        }
        return raw.length;
    }

    private Flags flags() {
        if (facts.flags() == null) {
            throw new IllegalStateException("flag and keyword predicates need the message's flags (Facts.flags); "
                    + "POP3 keeps none: use a replica");
        }
        return facts.flags();
    }

    private static String headerName(SearchQuery.Field f) {
        return switch (f) {
            case FROM -> "From";
            case TO -> "To";
            case CC -> "Cc";
            case BCC -> "Bcc";
            default -> throw new IllegalArgumentException(f.name());
        };
    }

    static String fold(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Folded copies of the lists searched, computed once per list. */
    private final Map<List<String>, List<String>> folded = new java.util.IdentityHashMap<>();

    private boolean anyContains(List<String> haystacks, String foldedNeedle) {
        List<String> f = folded.computeIfAbsent(haystacks, l -> l.stream().map(SearchableMessage::fold).toList());
        for (String h : f) {
            if (h.contains(foldedNeedle)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- headers

    private InternetHeaders headers() {
        if (headers == null) {
            try {
                headers = new InternetHeaders(new ByteArrayInputStream(raw), true);
            } catch (MessagingException e) {
                headers = new InternetHeaders();
            }
        }
        return headers;
    }

    /** Decoded, unfolded values of a header, in order. */
    List<String> decoded(String name) {
        return decodedHeaders.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> {
            String[] values = headers().getHeader(name);
            if (values == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>(values.length);
            for (String v : values) {
                out.add(HeaderText.decode(v));
            }
            return out;
        });
    }

    private final Map<String, List<String>> addressCache = new java.util.HashMap<>();

    private List<String> addresses(String name) {
        return addressCache.computeIfAbsent(name, this::parseAddresses);
    }

    private List<String> parseAddresses(String name) {
        String[] values = headers().getHeader(name);
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            out.addAll(HeaderText.addresses(v));
        }
        return out;
    }

    private List<String> headerLines() {
        if (headerLines == null) {
            List<String> out = new ArrayList<>();
            Enumeration<Header> all = headers().getAllHeaders();
            while (all.hasMoreElements()) {
                Header h = all.nextElement();
                out.add(h.getName() + ": " + HeaderText.decode(h.getValue() == null ? "" : h.getValue()));
            }
            headerLines = out;
        }
        return headerLines;
    }

    // ---------------------------------------------------------------- dates

    private static final Pattern DATE = Pattern.compile(
            "(?:^|[\\s,])(\\d{1,2})\\s+([A-Za-z]{3})[A-Za-z]*\\s+(\\d{2,4})(?:\\s|$)");
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");

    /** The day of the first Date header as written there, or null. */
    LocalDate sentDay() {
        List<String> dates = decoded("Date");
        LocalDate day = dates.isEmpty() ? null : dayAsWritten(dates.get(0));
        return day == null ? LocalDate.EPOCH : day;
    }

    static LocalDate dayAsWritten(String value) {
        Matcher m = DATE.matcher(value);
        if (!m.find()) {
            return null;
        }
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
        if (month == 0) {
            return null;
        }
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) {
            year += year < 50 ? 2000 : 1900; // RFC 5322 section 4.3
        } else if (m.group(3).length() == 3) {
            year += 1900;
        }
        try {
            return LocalDate.of(year, month, Integer.parseInt(m.group(1)));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private LocalDate receivedDay() {
        if (facts.internalDate() != null) {
            return facts.internalDate().atZone(ZoneId.systemDefault()).toLocalDate();
        }
        List<String> received = decoded("Received");
        if (!received.isEmpty()) {
            String v = received.get(0);
            int semi = v.lastIndexOf(';');
            if (semi >= 0) {
                Date d = new MailDateFormat().parse(v.substring(semi + 1).strip(), new ParsePosition(0));
                if (d != null) {
                    return d.toInstant().atZone(ZoneId.systemDefault()).toLocalDate();
                }
            }
        }
        return sentDay();
    }

    // ---------------------------------------------------------------- body

    private MimeMessage message() {
        if (!complete) {
            throw new IllegalStateException("body predicates need the whole message, not only its headers");
        }
        if (message == null) {
            try {
                message = new MimeMessage(SESSION, new SharedByteArrayInputStream(raw));
            } catch (MessagingException e) {
                throw new IllegalStateException("unparsable message: " + e.getMessage(), e);
            }
        }
        return message;
    }

    private List<String> partHeaders;

    /** {@code Name: decoded value} of every header of every MIME part below the top level. */
    private List<String> partHeaderLines() {
        if (partHeaders == null) {
            List<String> out = new ArrayList<>();
            try {
                collectPartHeaders(message(), out, 0);
            } catch (MessagingException | IOException e) {
                // a broken part: search what could be read
            }
            partHeaders = out;
        }
        return partHeaders;
    }

    private static void collectPartHeaders(Part part, List<String> out, int depth)
            throws MessagingException, IOException {
        if (depth > 20 || !part.isMimeType("multipart/*")) {
            return;
        }
        Object content;
        try {
            content = part.getContent();
        } catch (MessagingException | IOException e) {
            return;
        }
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                Part child = mp.getBodyPart(i);
                Enumeration<Header> all = child.getAllHeaders();
                while (all.hasMoreElements()) {
                    Header h = all.nextElement();
                    out.add(h.getName() + ": " + HeaderText.decode(h.getValue() == null ? "" : h.getValue()));
                }
                collectPartHeaders(child, out, depth + 1);
            }
        }
    }

    /** Decoded text of every leaf text part. */
    List<String> bodyTexts() {
        if (bodyTexts == null) {
            List<String> out = new ArrayList<>();
            try {
                collectText(message(), out, 0);
            } catch (MessagingException | IOException e) {
                // a broken part: search what could be decoded
            }
            bodyTexts = Collections.unmodifiableList(out);
        }
        return bodyTexts;
    }

    private static void collectText(Part part, List<String> out, int depth) throws MessagingException, IOException {
        if (depth > 20) {
            return;
        }
        String type;
        try {
            type = part.getContentType() == null ? "text/plain" : part.getContentType();
        } catch (MessagingException e) {
            type = "text/plain";
        }
        ContentType ct;
        try {
            ct = new ContentType(type);
        } catch (jakarta.mail.internet.ParseException e) {
            ct = new ContentType("text", "plain", null);
        }
        if (ct.match("multipart/*")) {
            Object content;
            try {
                content = part.getContent();
            } catch (MessagingException | IOException e) {
                return;
            }
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    collectText(mp.getBodyPart(i), out, depth + 1);
                }
            }
            return;
        }
        if (!ct.getPrimaryType().equalsIgnoreCase("text")) {
            return;
        }
        byte[] bytes;
        try (InputStream in = part.getInputStream()) {
            bytes = in.readAllBytes();
        } catch (MessagingException | IOException e) {
            return;
        }
        out.add(new String(bytes, charset(ct.getParameter("charset"))));
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.US_ASCII;
        }
        try {
            return Charset.forName(MimeUtility.javaCharset(name.strip()));
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1;
        }
    }

    // ---------------------------------------------------------------- attachments

    private boolean hasAttachment() {
        if (facts.structure() != null) {
            return facts.structure().flatten().stream().anyMatch(BodyPart::isAttachment);
        }
        if (attachment == null) {
            try {
                attachment = attachmentIn(message(), 0);
            } catch (MessagingException | IOException e) {
                attachment = false;
            }
        }
        return attachment;
    }

    private static boolean attachmentIn(Part part, int depth) throws MessagingException, IOException {
        if (depth > 20) {
            return false;
        }
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    if (attachmentIn(mp.getBodyPart(i), depth + 1)) {
                        return true;
                    }
                }
            }
            return false;
        }
        String disposition;
        String fileName;
        try {
            disposition = part.getDisposition();
        } catch (MessagingException e) {
            disposition = null;
        }
        try {
            fileName = part.getFileName();
        } catch (MessagingException e) {
            fileName = null;
        }
        return "attachment".equalsIgnoreCase(disposition) || (fileName != null && !fileName.isEmpty());
    }
}
