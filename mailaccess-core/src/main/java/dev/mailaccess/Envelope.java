package dev.mailaccess;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * The envelope of a message, with RFC 2047 words decoded and the same meaning whatever the protocol: that of the
 * IMAP ENVELOPE (RFC 3501), where an absent Sender or Reply-To header is the From.
 *
 * @param date      the Date header, null if missing or unparsable
 * @param subject   decoded subject, empty if none
 * @param from      From addresses
 * @param sender    Sender addresses
 * @param replyTo   Reply-To addresses
 * @param to        To addresses
 * @param cc        Cc addresses
 * @param bcc       Bcc addresses
 * @param inReplyTo In-Reply-To, empty if none
 * @param messageId Message-ID, empty if none
 */
public record Envelope(OffsetDateTime date, String subject, List<Address> from, List<Address> sender,
                       List<Address> replyTo, List<Address> to, List<Address> cc, List<Address> bcc,
                       String inReplyTo, String messageId) {
    /**
     * Copies the address lists and takes a null subject, In-Reply-To or Message-ID as empty.
     *
     * @param date      the Date header, or null
     * @param subject   decoded subject; null is taken as empty
     * @param from      From addresses; must not be null (empty if none)
     * @param sender    Sender addresses; must not be null
     * @param replyTo   Reply-To addresses; must not be null
     * @param to        To addresses; must not be null
     * @param cc        Cc addresses; must not be null
     * @param bcc       Bcc addresses; must not be null
     * @param inReplyTo In-Reply-To; null is taken as empty
     * @param messageId Message-ID; null is taken as empty
     */
    public Envelope {
        subject = subject == null ? "" : subject;
        from = List.copyOf(from);
        sender = List.copyOf(sender);
        replyTo = List.copyOf(replyTo);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        inReplyTo = inReplyTo == null ? "" : inReplyTo;
        messageId = messageId == null ? "" : messageId;
    }
}
