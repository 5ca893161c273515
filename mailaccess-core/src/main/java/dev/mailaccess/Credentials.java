package dev.mailaccess;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How to log in. {@code toString()} never reveals the secret.
 */
public sealed interface Credentials {

    /**
     * Password login.
     *
     * @param password the password, sent to the server only
     * @return the credentials
     * @throws NullPointerException if {@code password} is null
     */
    static Credentials password(String password) {
        return new Password(password);
    }

    /**
     * SASL XOAUTH2 login. The supplier is called on every (re)connect, so it can refresh an expired token.
     *
     * @param accessToken gives a current OAuth2 access token; must not return null
     * @return the credentials
     * @throws NullPointerException if {@code accessToken} is null
     */
    static Credentials oauth2(Supplier<String> accessToken) {
        return new OAuth2(accessToken);
    }

    /** A password. */
    final class Password implements Credentials {
        private final String secret;

        private Password(String secret) {
            this.secret = Objects.requireNonNull(secret, "password");
        }

        /**
         * The password; for adapters only.
         *
         * @return the password in clear
         */
        public String reveal() {
            return secret;
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    /** An OAuth2 access token supplier. */
    final class OAuth2 implements Credentials {
        private final Supplier<String> tokenSupplier;

        private OAuth2(Supplier<String> tokenSupplier) {
            this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "token supplier");
        }

        /**
         * A fresh token; for adapters only, called once per connect.
         *
         * @return what the supplier gives now
         * @throws NullPointerException if the supplier returns null
         */
        public String currentToken() {
            return Objects.requireNonNull(tokenSupplier.get(), "the token supplier returned null");
        }

        @Override
        public String toString() {
            return "OAuth2[****]";
        }
    }
}
