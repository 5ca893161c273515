package dev.mailaccess;

/**
 * The server refused because the mailbox is over its storage quota (IMAP {@code [OVERQUOTA]}, RFC 5530): an append,
 * copy or move cannot succeed until messages are removed or the quota is raised. Retrying unchanged will not help.
 */
public class QuotaExceededException extends MailAccessException {
    /**
     * Creates the exception; adapters throw it on the server's {@code [OVERQUOTA]} answer.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public QuotaExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
