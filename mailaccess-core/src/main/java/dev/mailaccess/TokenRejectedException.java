package dev.mailaccess;

/**
 * The server refused an OAuth2 access token (OAUTHBEARER or XOAUTH2) and said why in its JSON error (RFC 7628
 * section 3.2.2): typically an expired or revoked token, so the caller can refresh it and connect again. The token
 * itself is never part of the message.
 */
public class TokenRejectedException extends AuthenticationException {
    private static final long serialVersionUID = 1L;

    /** The error's {@code status}, e.g. {@code invalid_token} or {@code 401}. */
    private final String status;
    /** The error's {@code scope}, or null. */
    private final String scope;

    /**
     * Creates the exception.
     *
     * @param message what failed, without the token
     * @param status  the JSON error's {@code status}, or null if the server sent none
     * @param scope   the JSON error's {@code scope}, or null
     * @param cause   the underlying failure, or null
     */
    public TokenRejectedException(String message, String status, String scope, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.scope = scope;
    }

    /**
     * The server's status for the token.
     *
     * @return e.g. {@code invalid_token} (RFC 6750) or {@code 401}; null if the server sent none
     */
    public String status() {
        return status;
    }

    /**
     * The scope the server wants the token to have.
     *
     * @return a space-separated scope list, or null if the server named none
     */
    public String scope() {
        return scope;
    }
}
