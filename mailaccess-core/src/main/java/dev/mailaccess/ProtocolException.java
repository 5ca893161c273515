package dev.mailaccess;

/** The server said something that could not be understood, or answered a command with an error. */
public class ProtocolException extends MailAccessException {
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
