package dev.mailaccess.angus.internal;

import java.net.SocketTimeoutException;

/**
 * The server sent too slowly ({@link dev.mailaccess.ServerLimits#minTransferBytes()}) or took too long to finish an
 * answer ({@link dev.mailaccess.ServerLimits#commandDeadline()}). A {@link SocketTimeoutException}, so every path
 * that knows a read timeout reports it as a {@link dev.mailaccess.MailTimeoutException}.
 */
public final class TooSlowIOException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    public TooSlowIOException(String message) {
        super(message);
    }
}
