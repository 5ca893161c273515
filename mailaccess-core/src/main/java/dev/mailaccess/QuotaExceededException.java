package dev.mailaccess;

/**
 * The server refused because the mailbox is over its storage quota (IMAP {@code [OVERQUOTA]}, RFC 5530): an append,
 * copy or move cannot succeed until messages are removed or the quota is raised. Retrying unchanged will not help.
 */
public class QuotaExceededException extends MailAccessException {
    public QuotaExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
