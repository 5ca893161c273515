package dev.mailaccess;

/** The {@link Mailbox} was closed, possibly by another thread while this call was in progress. */
public class MailboxClosedException extends ConnectionException {
    public MailboxClosedException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
