package dev.mailaccess;

/**
 * The server refused for now, not for good: too many connections for this user or address (IMAP {@code [LIMIT]},
 * {@code [INUSE]}, POP3 {@code [IN-USE]}), or a temporary failure on its side ({@code [UNAVAILABLE]},
 * {@code [SYS/TEMP]}) (RFC 5530, RFC 2449, RFC 3206). The credentials were not judged wrong. Always
 * {@linkplain #isRetryable() retryable}: try again later, with fewer connections at once.
 */
public class ServerBusyException extends ConnectionException {
    /** The server's response code without brackets. */
    private final String responseCode;

    /**
     * Creates the exception; always {@linkplain #isRetryable() retryable}.
     *
     * @param responseCode the server's response code without brackets, e.g. {@code LIMIT}
     * @param message      what the server said, for a person to read; must not contain a password or token
     * @param cause        the underlying failure, or null
     */
    public ServerBusyException(String responseCode, String message, Throwable cause) {
        super(message, true, cause);
        this.responseCode = responseCode;
    }

    /**
     * The response code the server gave.
     *
     * @return the code without brackets, e.g. {@code LIMIT}, {@code INUSE}, {@code IN-USE}, {@code SYS/TEMP}
     */
    public String responseCode() {
        return responseCode;
    }
}
