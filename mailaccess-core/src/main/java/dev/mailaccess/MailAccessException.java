package dev.mailaccess;

/**
 * Root of every exception the library throws. Unchecked: catch the subclass whose meaning you can act on
 * ({@link AuthenticationException}, {@link ConnectionException}, {@link UnsupportedCapabilityException}, ...).
 * Messages never contain passwords or tokens.
 */
public class MailAccessException extends RuntimeException {
    public MailAccessException(String message) {
        super(message);
    }

    public MailAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
