package dev.mailaccess;

/** A connect, read or write did not complete within its configured timeout. Retryable. */
public class MailTimeoutException extends ConnectionException {
    public MailTimeoutException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
