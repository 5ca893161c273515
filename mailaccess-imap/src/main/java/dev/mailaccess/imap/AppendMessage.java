package dev.mailaccess.imap;

import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.InputStream;
import java.util.Date;

/**
 * A parsed message to APPEND: written out byte for byte as read (never re-encoded), with the flags and internal date
 * that Angus sends in the APPEND command.
 */
final class AppendMessage extends MimeMessage {
    private final Date internalDate;

    AppendMessage(Session session, InputStream rfc822, Flags flags, Date internalDate) throws MessagingException {
        super(session, rfc822);
        this.flags = flags;
        this.internalDate = internalDate;
    }

    @Override
    public Date getReceivedDate() {
        return internalDate == null ? null : new Date(internalDate.getTime());
    }
}
