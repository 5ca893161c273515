package dev.mailaccess;

/** The server said something that could not be understood, or answered a command with an error. */
public class ProtocolException extends MailAccessException {
    /**
     * Creates the exception.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
