package dev.mailaccess;

/** The {@link Mailbox} was closed, possibly by another thread while this call was in progress. */
public class MailboxClosedException extends ConnectionException {
    /**
     * Creates the exception; never {@linkplain #isRetryable() retryable}, since the mailbox was closed on purpose.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public MailboxClosedException(String message, Throwable cause) {
        super(message, false, cause);
    }
}
