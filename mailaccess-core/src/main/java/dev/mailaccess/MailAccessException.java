package dev.mailaccess;

/**
 * Root of every exception the library throws. Unchecked: catch the subclass whose meaning you can act on
 * ({@link AuthenticationException}, {@link ConnectionException}, {@link UnsupportedCapabilityException}, ...).
 * Messages never contain passwords or tokens.
 */
public class MailAccessException extends RuntimeException {
    /**
     * Creates the exception without a cause.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     */
    public MailAccessException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public MailAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
