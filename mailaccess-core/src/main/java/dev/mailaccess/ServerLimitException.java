package dev.mailaccess;

/**
 * The server sent more than a {@link ServerLimits} bound allows (an endless line, a huge literal, a flood of
 * responses, an absurd message count). The session's connection is closed: nothing it would read next could be
 * trusted. {@link #limit()} says which bound; {@link ServerLimits} how to raise it for a server that needs more.
 */
public class ServerLimitException extends ProtocolException {
    /** The bound the server crossed. */
    private final ServerLimits.Limit limit;

    /**
     * Creates the exception.
     *
     * @param limit   the bound the server crossed
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public ServerLimitException(ServerLimits.Limit limit, String message, Throwable cause) {
        super(message, cause);
        this.limit = limit;
    }

    /**
     * The bound that was crossed.
     *
     * @return which of the {@link ServerLimits} the server exceeded
     */
    public ServerLimits.Limit limit() {
        return limit;
    }
}
