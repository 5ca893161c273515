package dev.mailaccess;

/** The server refused the credentials (wrong password, expired token, mechanism not offered). Retrying won't help. */
public class AuthenticationException extends MailAccessException {
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
