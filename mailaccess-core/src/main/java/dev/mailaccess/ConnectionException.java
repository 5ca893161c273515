package dev.mailaccess;

/**
 * The connection could not be made or was lost (refused, reset, closed by the server, TLS failure).
 * {@link #isRetryable()} says whether trying again later may succeed: a dropped connection is retryable, an
 * untrusted certificate is not.
 */
public class ConnectionException extends MailAccessException {
    private final boolean retryable;

    public ConnectionException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether the same call may succeed on a new connection. */
    public boolean isRetryable() {
        return retryable;
    }
}
