package dev.mailaccess.imap;

import dev.mailaccess.Address;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Envelope;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeUtility;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one {@code * n FETCH (UID … ENVELOPE … FLAGS … RFC822.SIZE … INTERNALDATE …)} answer, as bytes, into a
 * {@link MessageSummary} with exactly the values the Angus path gives ({@link MimeConversion#envelope}'s rules for
 * the envelope, Angus's and {@link MimeConversion#flags}'s for flags). What it does not know (another item, a group address, a date it cannot read
 * quickly) makes it throw {@link Unparsed}, and the caller hands that answer to Angus instead: the fast path covers
 * the common answers, the slow one the rest.
 *
 * <p>Two differences, on purpose: a string with 8-bit bytes that form valid UTF-8 is read as UTF-8 (Angus reads
 * every byte as a Latin-1 character unless UTF8=ACCEPT is on, which turns raw UTF-8 headers into mojibake). And a
 * group start marker with no group end after it is an address without a domain ({@code ("Nathaniel Borenstein" NIL
 * "nsb" NIL)} from Gmail is {@code Nathaniel Borenstein <nsb>}); {@link MimeConversion#envelope} reads Angus's
 * folded groups back the same way where they show it, which they do not for a last group start without a name.
 * It also reads an item wrapped in another pair of parentheses, as Lotus Domino sends its ENVELOPE; Angus refuses
 * such an answer.
 */
final class SummaryParser extends AnswerReader {
    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};

    private final long uidValidity;
    private boolean lenient;
    private MailDateFormat dateFormat;

    SummaryParser(long uidValidity) {
        this.uidValidity = uidValidity;
    }

    /** Whether the response in {@code [from, to)} is an untagged FETCH answer. */
    static boolean isFetch(byte[] b, int from, int to) {
        int i = from;
        if (to - i < 10 || b[i] != '*' || b[i + 1] != ' ') {
            return false;
        }
        i += 2;
        int digits = i;
        while (i < to && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i > digits && i + 7 <= to && b[i] == ' ' && (b[i + 1] | 0x20) == 'f' && (b[i + 2] | 0x20) == 'e'
                && (b[i + 3] | 0x20) == 't' && (b[i + 4] | 0x20) == 'c' && (b[i + 5] | 0x20) == 'h'
                && b[i + 6] == ' ';
    }

    /**
     * The summary in a FETCH answer; null if it carries no UID (a flag change another client made, reported
     * unasked). Items not asked for stay empty as in {@link MessageSummary}: null, or -1 for the size.
     */
    MessageSummary parse(byte[] bytes, int from, int to) throws Unparsed {
        lenient = false;
        return read(bytes, from, to);
    }

    /**
     * The summary with what can be read: an item that is unknown or unreadable is skipped (its field stays empty)
     * instead of making the whole answer {@link Unparsed}. For an answer that neither {@link #parse} nor Angus's
     * parser can read, so that one bad item does not cost the message its envelope or flags.
     */
    MessageSummary parseLeniently(byte[] bytes, int from, int to) throws Unparsed {
        lenient = true;
        return read(bytes, from, to);
    }

    private MessageSummary read(byte[] bytes, int from, int to) throws Unparsed {
        reset(bytes, from + 2, to);
        while (pos < end && b[pos] != ' ') {
            pos++;
        }
        pos += " FETCH ".length();
        expect('(');
        long uid = -1;
        long size = -1;
        Flags flags = null;
        Instant internalDate = null;
        Envelope envelope = null;
        BodyPart structure = null;
        Map<String, List<String>> headers = null;
        String preview = null;
        int wrapped = 0; // Lotus Domino wraps an item in another pair of parentheses: (UID 7 (ENVELOPE (...)) ...)
        while (true) {
            skipSpaces();
            if (peek() == ')') {
                pos++;
                if (wrapped == 0) {
                    break;
                }
                wrapped--;
                continue;
            }
            if (peek() == '(') {
                pos++;
                wrapped++;
                continue;
            }
            String item = atom().toUpperCase(java.util.Locale.ROOT);
            skipSpaces();
            int value = pos;
            try {
                switch (item) {
                    case "UID" -> uid = number();
                    case "RFC822.SIZE" -> size = number();
                    case "FLAGS" -> flags = flags();
                    case "INTERNALDATE" -> internalDate = internalDate(nstring());
                    case "ENVELOPE" -> envelope = envelope();
                    case "PREVIEW" -> {
                        String text = nstring();
                        preview = text == null ? "" : text; // NIL: the server could not make one
                    }
                    case "BODYSTRUCTURE" -> structure = BodyStructures.toBodyPart(new StructureReader(this).body());
                    case "BODY" -> {
                        if (peek() == '(') {
                            structure = BodyStructures.toBodyPart(new StructureReader(this).body());
                        } else {
                            headers = headerFields();
                        }
                    }
                    case "MODSEQ" -> {
                        expect('(');
                        skipSpaces();
                        if (peek() == '-') {
                            pos++; // Zoho sends MODSEQ (-1); the value is not used here
                        }
                        number();
                        expect(')');
                    }
                    default -> throw new Unparsed("item " + item);
                }
            } catch (Unparsed unreadable) {
                if (!lenient) {
                    throw unreadable;
                }
                pos = value;
                skipValue();
            }
        }
        if (uid < 0) {
            return null;
        }
        if (uid == 0 || uid > 0xFFFF_FFFFL) {
            throw new Unparsed("UID " + uid + " out of range"); // not a UID a message can have
        }
        return new MessageSummary(MessageRef.imap(uidValidity, uid), envelope, flags, size, internalDate, structure,
                headers, preview);
    }

    /** {@code [HEADER.FIELDS (...)] {n}} and the header block: its fields; another section is Angus's to read. */
    private Map<String, List<String>> headerFields() throws Unparsed {
        expect('[');
        int section = pos;
        while (peek() != ']') {
            pos++;
        }
        String name = new String(b, section, pos - section, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
        pos++;
        if (!name.startsWith("HEADER.FIELDS") || pos < end && b[pos] == '<') {
            throw new Unparsed("section " + name);
        }
        int[] block = literalBytes();
        return block == null ? Map.of() : HeaderFields.of(b, block[0], block[1]);
    }

    private Envelope envelope() throws Unparsed {
        expect('(');
        String dateText = nstring();
        String subject = nstring();
        List<Address> from = addresses();
        List<Address> sender = addresses();
        List<Address> replyTo = addresses();
        List<Address> to = addresses();
        List<Address> cc = addresses();
        List<Address> bcc = addresses();
        String inReplyTo = nstring();
        String messageId = nstring();
        skipSpaces();
        expect(')');
        // MimeConversion.envelope(ENVELOPE)'s rules, which are IMAPMessage's
        if (from.isEmpty()) {
            from = sender;
        }
        if (sender.size() > 1) {
            sender = List.of(sender.get(0));
        }
        return new Envelope(date(dateText), subject == null ? "" : decode(MimeUtility.unfold(subject)),
                from, sender.isEmpty() ? from : sender, replyTo.isEmpty() ? from : replyTo, to, cc, bcc,
                inReplyTo == null ? "" : inReplyTo.strip(), messageId == null ? "" : messageId.strip());
    }

    private List<Address> addresses() throws Unparsed {
        skipSpaces();
        if (peek() != '(') {
            if (nstring() != null) {
                throw new Unparsed("address list is a string");
            }
            return List.of();
        }
        pos++;
        List<Address> out = new ArrayList<>(2);
        // A group start marker (host NIL) begins a group only if the next marker is a group end; groups do not
        // nest, so one followed by another start, or by no marker at all, is a mailbox without a domain (Gmail
        // sends <nsb> that way). It is read as such until a group end shows it was a group after all.
        boolean groupStartOpen = false;
        while (true) {
            skipSpaces();
            if (peek() == ')') {
                pos++;
                return out;
            }
            expect('(');
            String personal = nstring();
            nstring(); // the source route, obsolete
            String mailbox = nstring();
            String host = nstring();
            skipSpaces();
            expect(')');
            if (host == null && mailbox == null) {
                if (groupStartOpen) {
                    throw new Unparsed("group syntax"); // Angus folds a group into one address; it is rare
                }
                continue; // a group end with no group open: Angus skips it too
            }
            if (host == null && mailbox.isEmpty()) {
                throw new Unparsed("group without a name");
            }
            groupStartOpen |= host == null;
            String email = host == null ? mailbox : mailbox == null || mailbox.isEmpty() ? host
                    : host.isEmpty() ? mailbox : mailbox + "@" + host;
            out.add(new Address(personal == null ? "" : decode(personal), email));
        }
    }

    /** Angus's reading of a flag list (FLAGS), which goes by the first letter after the backslash. */
    private Flags flags() throws Unparsed {
        expect('(');
        Set<Flag> system = EnumSet.noneOf(Flag.class);
        Set<String> keywords = null;
        while (true) {
            skipSpaces();
            if (peek() == ')') {
                pos++;
                break;
            }
            String f = atom();
            if (f.length() >= 2 && f.charAt(0) == '\\') {
                switch (Character.toUpperCase(f.charAt(1))) {
                    case 'S' -> system.add(Flag.SEEN);
                    case 'A' -> system.add(Flag.ANSWERED);
                    case 'F' -> system.add(Flag.FLAGGED);
                    case 'R', '*' -> { } // \Recent and \* are not message flags here
                    case 'D' -> {
                        if (f.length() >= 3) {
                            char c = Character.toUpperCase(f.charAt(2));
                            if (c == 'E') {
                                system.add(Flag.DELETED);
                            } else if (c == 'R') {
                                system.add(Flag.DRAFT);
                            }
                        }
                    }
                    default -> { } // a system flag the library's flags cannot carry, dropped as on the Angus path
                }
            } else if (Flags.isValidKeyword(f)) {
                keywords = keyword(keywords, f);
            } // else a keyword the library's flags cannot hold, dropped as on the Angus path
        }
        return new Flags(system, keywords == null ? Set.of() : keywords);
    }

    /** Keywords are case-insensitive: of two spellings the last one stays, as in Angus's flags. */
    private static Set<String> keyword(Set<String> keywords, String f) {
        Set<String> out = keywords == null ? new TreeSet<>(String.CASE_INSENSITIVE_ORDER) : keywords;
        out.remove(f);
        out.add(f);
        return out;
    }

    /** {@code dd-Mon-yyyy hh:mm:ss +zzzz}, the day possibly space-padded. */
    private static Instant internalDate(String s) throws Unparsed {
        if (s == null) {
            return null;
        }
        int i = !s.isEmpty() && s.charAt(0) == ' ' ? 1 : 0;
        int dash = s.indexOf('-', i);
        if (dash < 0 || s.length() != dash + 24) {
            throw new Unparsed("INTERNALDATE " + s);
        }
        try {
            int day = Integer.parseInt(s, i, dash, 10);
            int month = month(s, dash + 1);
            int year = Integer.parseInt(s, dash + 5, dash + 9, 10);
            return instant(s, year, month, day, dash + 10, dash + 19);
        } catch (NumberFormatException | DateTimeException e) {
            throw new Unparsed("INTERNALDATE " + s);
        }
    }

    /**
     * The Date of an envelope. The usual form ({@code [Day, ]d Mon yyyy hh:mm[:ss] +zzzz}, an optional comment
     * after it) is read here; anything else goes to Angus's lenient {@link MailDateFormat}, as the Angus path does.
     */
    private OffsetDateTime date(String s) {
        if (s == null) {
            return null;
        }
        Instant fast = quickDate(s.strip());
        if (fast != null) {
            return OffsetDateTime.ofInstant(fast, ZoneOffset.UTC);
        }
        if (dateFormat == null) {
            dateFormat = new MailDateFormat();
        }
        try {
            return OffsetDateTime.ofInstant(dateFormat.parse(s).toInstant(), ZoneOffset.UTC);
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static Instant quickDate(String s) {
        try {
            int i = 0;
            int comma = s.indexOf(',');
            if (comma >= 0) {
                if (comma != 3) {
                    return null;
                }
                i = 4;
                while (i < s.length() && s.charAt(i) == ' ') {
                    i++;
                }
            }
            int sp = s.indexOf(' ', i);
            if (sp < 0 || sp - i < 1 || sp - i > 2) {
                return null;
            }
            int day = Integer.parseInt(s, i, sp, 10);
            int month = month(s, sp + 1);
            if (s.length() < sp + 20 || s.charAt(sp + 4) != ' ' || s.charAt(sp + 9) != ' ') {
                return null;
            }
            int year = Integer.parseInt(s, sp + 5, sp + 9, 10);
            int t = sp + 10;
            int zone;
            if (s.length() >= t + 14 && s.charAt(t + 5) == ':' && s.charAt(t + 8) == ' ') {
                zone = t + 9;
            } else {
                return null; // no seconds and other variants: the lenient parser
            }
            if (!(s.length() == zone + 5 || s.length() > zone + 6 && s.charAt(zone + 5) == ' '
                    && s.charAt(zone + 6) == '(' && s.endsWith(")"))) {
                return null;
            }
            return instant(s, year, month, day, t, zone);
        } catch (NumberFormatException | DateTimeException | Unparsed e) {
            return null;
        }
    }

    /** The instant of a date whose time {@code hh:mm:ss} starts at {@code time} and zone {@code +hhmm} at zone. */
    private static Instant instant(String s, int year, int month, int day, int time, int zone)
            throws Unparsed {
        if (s.charAt(time + 2) != ':' || s.charAt(time + 5) != ':' || s.charAt(time + 8) != ' ') {
            throw new Unparsed("time");
        }
        int hour = Integer.parseInt(s, time, time + 2, 10);
        int minute = Integer.parseInt(s, time + 3, time + 5, 10);
        int second = Integer.parseInt(s, time + 6, time + 8, 10);
        char sign = s.charAt(zone);
        if (sign != '+' && sign != '-') {
            throw new Unparsed("zone");
        }
        int zh = Integer.parseInt(s, zone + 1, zone + 3, 10);
        int zm = Integer.parseInt(s, zone + 3, zone + 5, 10);
        if (zm > 59 || second > 59) {
            throw new Unparsed("range"); // leap seconds and odd zones: the lenient parser's business
        }
        int offset = (zh * 3600 + zm * 60) * (sign == '-' ? -1 : 1);
        long epoch = LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC) - offset;
        return Instant.ofEpochSecond(epoch);
    }

    private static int month(String s, int at) throws Unparsed {
        if (s.length() < at + 3) {
            throw new Unparsed("month");
        }
        String m = s.substring(at, at + 3).toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(m)) {
                return i + 1;
            }
        }
        throw new Unparsed("month " + m);
    }

    private static String decode(String text) {
        return text.contains("=?") ? MimeConversion.decodeText(text) : text;
    }
}
