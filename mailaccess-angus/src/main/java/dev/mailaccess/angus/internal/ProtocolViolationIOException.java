package dev.mailaccess.angus.internal;

import java.io.IOException;

/**
 * The server broke the protocol in a way that makes the rest of the connection unreadable (an answer to a command
 * never sent, a bound crossed). An {@link IOException} so that Angus closes the connection as it would for a lost
 * one; {@link Errors} turns it into a {@link dev.mailaccess.ProtocolException}.
 */
public class ProtocolViolationIOException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolViolationIOException(String message) {
        super(message);
    }
}
