package dev.mailaccess.angus.internal;

import dev.mailaccess.Address;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Envelope;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Converts Jakarta Mail messages, parts and flags into the library's immutable values. */
public final class MimeConversion {
    private MimeConversion() {
    }

    /**
     * The envelope of a message, with IMAP ENVELOPE semantics whatever the protocol (RFC 3501: an absent Sender or
     * Reply-To is the From). Malformed headers give empty values rather than failures. For an Angus IMAP message
     * every field comes from the fetched ENVELOPE: no header is fetched.
     */
    public static Envelope envelope(MimeMessage m) throws MessagingException {
        Date sent = safeSentDate(m);
        List<Address> from = addresses(m, "From");
        List<Address> sender = first(addresses(m, "Sender"));
        List<Address> replyTo = addresses(m, "Reply-To");
        String inReplyTo = m instanceof IMAPMessage im ? nullToEmpty(im.getInReplyTo()) : firstHeader(m, "In-Reply-To");
        return new Envelope(
                sent == null ? null : OffsetDateTime.ofInstant(sent.toInstant(), ZoneOffset.UTC),
                decodeSubject(m),
                from, sender.isEmpty() ? from : sender, replyTo.isEmpty() ? from : replyTo,
                addresses(m, "To"), addresses(m, "Cc"), addresses(m, "Bcc"),
                inReplyTo, safeMessageId(m));
    }

    /**
     * The same envelope from an IMAP ENVELOPE item read without an {@link IMAPMessage}, with {@link IMAPMessage}'s
     * rules: From falls back to Sender, Sender is its first address, Reply-To falls back to From.
     */
    public static Envelope envelope(org.eclipse.angus.mail.imap.protocol.ENVELOPE e) {
        List<Address> from = addresses(e.from == null || e.from.length == 0 ? e.sender : e.from);
        List<Address> sender = first(addresses(e.sender));
        List<Address> replyTo = addresses(e.replyTo);
        String subject = e.subject == null ? "" : decodeText(MimeUtility.unfold(e.subject));
        return new Envelope(
                e.date == null ? null : OffsetDateTime.ofInstant(e.date.toInstant(), ZoneOffset.UTC),
                subject,
                from, sender.isEmpty() ? from : sender, replyTo.isEmpty() ? from : replyTo,
                addresses(e.to), addresses(e.cc), addresses(e.bcc),
                nullToEmpty(e.inReplyTo), nullToEmpty(e.messageId));
    }

    private static List<Address> addresses(jakarta.mail.Address[] raw) {
        if (raw == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            add(raw[i], i == raw.length - 1, out);
        }
        return out;
    }

    private static List<Address> first(List<Address> addresses) {
        return addresses.isEmpty() ? addresses : List.of(addresses.get(0));
    }

    /**
     * Adds one address, reading back what Angus made of a group start marker without a group end (an IMAP ENVELOPE
     * address with host NIL, e.g. Gmail's {@code ("Nathaniel Borenstein" NIL "nsb" NIL)} for {@code <nsb>}): Angus
     * folds it, and every address after it in the list, into one group {@code nsb:...;}. Such a group is an address
     * without a domain, followed by its members, where the fold shows it: a group within a group (groups do not
     * nest, so the outer start had no end), or a group that ran to the end of the list (and so may have had no end)
     * with a display name (group markers carry none). A group that ran to the end of the list without a name is
     * ambiguous and stays a group, as {@code undisclosed-recipients:;} must.
     *
     * @param toEndOfList whether nothing follows the address in its list: it may have ended at the list's end
     */
    private static void add(jakarta.mail.Address a, boolean toEndOfList, List<Address> out) {
        if (!(a instanceof InternetAddress ia)) {
            out.add(new Address("", a.toString()));
            return;
        }
        InternetAddress[] members = ia.isGroup() ? groupMembers(ia) : null;
        String mailbox = members == null ? null : loneGroupStart(ia, members, toEndOfList);
        if (mailbox == null) {
            out.add(new Address(ia.getPersonal(), ia.getAddress()));
            return;
        }
        out.add(new Address(ia.getPersonal(), mailbox));
        for (int i = 0; i < members.length; i++) {
            add(members[i], toEndOfList && i == members.length - 1, out);
        }
    }

    private static InternetAddress[] groupMembers(InternetAddress group) {
        try {
            InternetAddress[] members = group.getGroup(false);
            return members == null ? new InternetAddress[0] : members;
        } catch (jakarta.mail.internet.AddressException e) {
            return null;
        }
    }

    /** The mailbox of a group that was a lone group start (see {@link #add}), or null if it is a real group. */
    private static String loneGroupStart(InternetAddress group, InternetAddress[] members, boolean toEndOfList) {
        boolean nested = false;
        for (InternetAddress m : members) {
            nested |= m.isGroup();
        }
        String personal = group.getPersonal();
        if (!nested && !(toEndOfList && personal != null && !personal.isEmpty())) {
            return null;
        }
        // Angus's fold is name + ":" + the members' toString() joined by "," + ";"
        StringBuilder tail = new StringBuilder(":");
        for (int i = 0; i < members.length; i++) {
            tail.append(i == 0 ? "" : ",").append(members[i]);
        }
        String folded = group.getAddress();
        tail.append(';');
        return folded.endsWith(tail.toString()) && folded.length() > tail.length()
                ? folded.substring(0, folded.length() - tail.length()) : null;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    private static Date safeSentDate(MimeMessage m) {
        try {
            return m.getSentDate();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static String safeMessageId(MimeMessage m) throws MessagingException {
        try {
            String id = m.getMessageID();
            return id == null ? "" : id.strip();
        } catch (MessagingException e) {
            return firstHeader(m, "Message-ID");
        }
    }

    private static String decodeSubject(MimeMessage m) throws MessagingException {
        try {
            String s = m.getSubject();
            return s == null ? "" : s;
        } catch (MessagingException e) {
            return decodeText(firstHeader(m, "Subject"));
        }
    }

    private static List<Address> addresses(MimeMessage m, String header) throws MessagingException {
        jakarta.mail.Address[] raw;
        try {
            raw = switch (header) {
                case "From" -> m.getFrom();
                case "Sender" -> m.getSender() == null ? null : new jakarta.mail.Address[] {m.getSender()};
                case "Reply-To" -> m.getReplyTo();
                case "To" -> m.getRecipients(Message.RecipientType.TO);
                case "Cc" -> m.getRecipients(Message.RecipientType.CC);
                default -> m.getRecipients(Message.RecipientType.BCC);
            };
        } catch (jakarta.mail.internet.AddressException e) {
            String value = firstHeader(m, header);
            return value.isEmpty() ? List.of() : List.of(new Address(decodeText(value), ""));
        }
        return addresses(raw);
    }

    /** The first value of a header, unfolded, or empty. */
    public static String firstHeader(Part p, String name) throws MessagingException {
        String[] values = p.getHeader(name);
        return values == null || values.length == 0 ? "" : MimeUtility.unfold(values[0]).strip();
    }

    /** Decodes RFC 2047 words; leaves undecodable text as it is. */
    public static String decodeText(String text) {
        try {
            return MimeUtility.decodeText(text);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return text;
        }
    }

    /** The requested headers, decoded, in the order given. */
    public static Map<String, List<String>> headers(Part p, List<String> names) throws MessagingException {
        return headers(p::getHeader, names);
    }

    /** The requested headers of a parsed header block, decoded, in the order given. */
    public static Map<String, List<String>> headers(jakarta.mail.internet.InternetHeaders block, List<String> names) {
        return headers(block::getHeader, names);
    }

    private interface HeaderSource<E extends Exception> {
        String[] values(String name) throws E;
    }

    private static <E extends Exception> Map<String, List<String>> headers(HeaderSource<E> source, List<String> names)
            throws E {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String name : names) {
            String[] values = source.values(name);
            List<String> decoded = new ArrayList<>();
            if (values != null) {
                for (String v : values) {
                    decoded.add(decodeText(MimeUtility.unfold(v).strip()));
                }
            }
            out.put(name, decoded);
        }
        return out;
    }

    /**
     * The MIME structure of a message. For an Angus IMAP message this walks the fetched BODYSTRUCTURE and downloads
     * nothing; for a parsed message it walks the parsed parts.
     */
    public static BodyPart structure(Part message) throws MessagingException, IOException {
        return structure(message, "", true);
    }

    private static BodyPart structure(Part part, String path, boolean top) throws MessagingException, IOException {
        ContentType ct = contentType(part);
        String type = ct.getBaseType().toLowerCase(Locale.ROOT);
        List<BodyPart> children = new ArrayList<>();
        if (type.startsWith("multipart/")) {
            Object content = part.getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    String childPath = path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1);
                    children.add(structure(mp.getBodyPart(i), childPath, false));
                }
            }
        }
        String charset = ct.getParameter("charset");
        String fileName;
        try {
            fileName = part.getFileName();
        } catch (MessagingException | RuntimeException e) {
            fileName = null;
        }
        String disposition;
        try {
            disposition = part.getDisposition();
        } catch (MessagingException | RuntimeException e) {
            disposition = null;
        }
        String encoding = "";
        if (part instanceof jakarta.mail.internet.MimePart mp) {
            try {
                String enc = mp.getEncoding();
                encoding = enc == null ? "" : enc.toLowerCase(Locale.ROOT);
            } catch (MessagingException | RuntimeException e) {
                encoding = "";
            }
        }
        long size = top ? -1 : part.getSize();
        // A non-multipart message is itself the only part; IMAP calls its section "1" as well as "".
        String ownPath = top && children.isEmpty() ? "" : path;
        return new BodyPart(ownPath, type, charset == null ? "" : charset,
                fileName == null ? "" : decodeText(fileName),
                disposition == null ? "" : disposition.toLowerCase(Locale.ROOT), encoding, size, children);
    }

    private static ContentType contentType(Part part) throws MessagingException {
        String raw = part.getContentType();
        try {
            return new ContentType(raw == null ? "text/plain" : raw);
        } catch (ParseException e) {
            return new ContentType("application", "octet-stream", null);
        }
    }

    /**
     * Finds the part at an IMAP section path ("1", "2.1"); the empty path is the message itself. A part path into an
     * attached message/rfc822 continues inside it.
     *
     * @return the part, or null if the path does not exist
     */
    public static Part partAt(Part message, String path) throws MessagingException, IOException {
        if (path.isEmpty()) {
            return message;
        }
        Part current = message;
        for (String step : path.split("\\.")) {
            int index = Integer.parseInt(step) - 1;
            Object content = current.isMimeType("message/rfc822") ? current.getContent() : null;
            if (content instanceof Part nested) {
                current = nested;
            }
            if (current.isMimeType("multipart/*")) {
                Multipart mp = (Multipart) current.getContent();
                if (index >= mp.getCount()) {
                    return null;
                }
                current = mp.getBodyPart(index);
            } else if (index == 0) {
                // Section 1 of a non-multipart message is its body.
                continue;
            } else {
                return null;
            }
        }
        return current;
    }

    /** Jakarta flags to library flags; \Recent and unknown system flags are dropped. */
    public static Flags flags(jakarta.mail.Flags f) {
        EnumSet<Flag> system = EnumSet.noneOf(Flag.class);
        if (f.contains(jakarta.mail.Flags.Flag.SEEN)) {
            system.add(Flag.SEEN);
        }
        if (f.contains(jakarta.mail.Flags.Flag.ANSWERED)) {
            system.add(Flag.ANSWERED);
        }
        if (f.contains(jakarta.mail.Flags.Flag.FLAGGED)) {
            system.add(Flag.FLAGGED);
        }
        if (f.contains(jakarta.mail.Flags.Flag.DELETED)) {
            system.add(Flag.DELETED);
        }
        if (f.contains(jakarta.mail.Flags.Flag.DRAFT)) {
            system.add(Flag.DRAFT);
        }
        Set<String> keywords = new TreeSet<>();
        for (String k : f.getUserFlags()) {
            // a system flag Angus does not know (\Junk, \Important) comes as a "user flag" with its backslash: it is
            // no keyword, and the library's flags cannot carry it (nor a keyword with characters IMAP reserves)
            if (!k.startsWith("\\") && Flags.isValidKeyword(k)) {
                keywords.add(k);
            }
        }
        return new Flags(system, keywords);
    }

    /** Library flags to Jakarta flags. */
    public static jakarta.mail.Flags jakartaFlags(Flags flags) {
        jakarta.mail.Flags f = new jakarta.mail.Flags();
        for (Flag flag : flags.system()) {
            f.add(jakartaFlag(flag));
        }
        for (String k : flags.keywords()) {
            f.add(k);
        }
        return f;
    }

    public static jakarta.mail.Flags.Flag jakartaFlag(Flag flag) {
        return switch (flag) {
            case SEEN -> jakarta.mail.Flags.Flag.SEEN;
            case ANSWERED -> jakarta.mail.Flags.Flag.ANSWERED;
            case FLAGGED -> jakarta.mail.Flags.Flag.FLAGGED;
            case DELETED -> jakarta.mail.Flags.Flag.DELETED;
            case DRAFT -> jakarta.mail.Flags.Flag.DRAFT;
        };
    }
}
