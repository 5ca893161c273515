package dev.mailaccess;

/** A connect, read or write did not complete within its configured timeout. Retryable. */
public class MailTimeoutException extends ConnectionException {
    /**
     * Creates the exception; always {@linkplain #isRetryable() retryable}.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public MailTimeoutException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
