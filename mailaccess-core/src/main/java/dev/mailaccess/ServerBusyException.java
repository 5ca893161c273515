package dev.mailaccess;

/**
 * The server refused for now, not for good: too many connections for this user or address (IMAP {@code [LIMIT]},
 * {@code [INUSE]}, POP3 {@code [IN-USE]}), or a temporary failure on its side ({@code [UNAVAILABLE]},
 * {@code [SYS/TEMP]}) (RFC 5530, RFC 2449, RFC 3206). The credentials were not judged wrong. Always
 * {@linkplain #isRetryable() retryable}: try again later, with fewer connections at once.
 */
public class ServerBusyException extends ConnectionException {
    private final String responseCode;

    /**
     * @param responseCode the server's response code without brackets, e.g. {@code LIMIT}
     */
    public ServerBusyException(String responseCode, String message, Throwable cause) {
        super(message, true, cause);
        this.responseCode = responseCode;
    }

    /** The response code the server gave, e.g. {@code LIMIT}, {@code INUSE}, {@code IN-USE}, {@code SYS/TEMP}. */
    public String responseCode() {
        return responseCode;
    }
}
