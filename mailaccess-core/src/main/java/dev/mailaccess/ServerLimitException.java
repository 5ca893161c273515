package dev.mailaccess;

/**
 * The server sent more than a {@link ServerLimits} bound allows (an endless line, a huge literal, a flood of
 * responses, an absurd message count). The session's connection is closed: nothing it would read next could be
 * trusted. {@link #limit()} says which bound; {@link ServerLimits} how to raise it for a server that needs more.
 */
public class ServerLimitException extends ProtocolException {
    private final ServerLimits.Limit limit;

    public ServerLimitException(ServerLimits.Limit limit, String message, Throwable cause) {
        super(message, cause);
        this.limit = limit;
    }

    /** The bound that was crossed. */
    public ServerLimits.Limit limit() {
        return limit;
    }
}
