package dev.mailaccess;

/**
 * The connection could not be made or was lost (refused, reset, closed by the server, TLS failure).
 * {@link #isRetryable()} says whether trying again later may succeed: a dropped connection is retryable, an
 * untrusted certificate is not.
 */
public class ConnectionException extends MailAccessException {
    /** Whether the same call may succeed on a new connection. */
    private final boolean retryable;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param retryable whether the same call may succeed on a new connection (see {@link #isRetryable()})
     * @param cause   the underlying failure, or null
     */
    public ConnectionException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Whether the same call may succeed on a new connection.
     *
     * @return true for a dropped connection or a timeout; false for a failure that would happen again, such as an
     *         untrusted certificate
     */
    public boolean isRetryable() {
        return retryable;
    }
}
