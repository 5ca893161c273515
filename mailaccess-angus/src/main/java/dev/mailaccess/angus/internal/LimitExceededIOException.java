package dev.mailaccess.angus.internal;

import dev.mailaccess.ServerLimits;

/**
 * A {@link ServerLimits} size bound crossed while reading: the connection can no longer be read and is closed;
 * {@link Errors} turns it into a {@link dev.mailaccess.ServerLimitException}.
 */
public final class LimitExceededIOException extends ProtocolViolationIOException {
    private static final long serialVersionUID = 1L;
    private final ServerLimits.Limit limit;

    public LimitExceededIOException(ServerLimits.Limit limit, String message) {
        super(message);
        this.limit = limit;
    }

    public ServerLimits.Limit limit() {
        return limit;
    }
}
