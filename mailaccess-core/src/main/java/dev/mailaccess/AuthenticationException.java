package dev.mailaccess;

/** The server refused the credentials (wrong password, expired token, mechanism not offered). Retrying won't help. */
public class AuthenticationException extends MailAccessException {
    /**
     * Creates the exception; adapters throw it when a login is refused.
     *
     * @param message what went wrong, for a person to read; must not contain a password or token
     * @param cause   the underlying failure, or null
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
