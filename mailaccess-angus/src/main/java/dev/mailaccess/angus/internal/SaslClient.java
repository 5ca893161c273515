package dev.mailaccess.angus.internal;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramException;
import dev.mailaccess.AuthMechanism;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.TokenRejectedException;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The client side of one SASL exchange, protocol-neutral: the adapters frame it (IMAP {@code AUTHENTICATE}, with the
 * initial response on the command line where the server has SASL-IR). One instance per login; it holds the secret
 * only for that login and never shows it in {@code toString()}. SCRAM is computed by com.ongres.scram, the library
 * the PostgreSQL JDBC driver uses.
 */
public abstract class SaslClient {
    private final AuthMechanism mechanism;

    private SaslClient(AuthMechanism mechanism) {
        this.mechanism = mechanism;
    }

    /**
     * A client for a mechanism.
     *
     * @param mechanism the mechanism
     * @param user      the user name
     * @param secret    the password, or the OAuth2 access token for OAUTHBEARER and XOAUTH2
     * @param host      the server's host name (OAUTHBEARER sends it)
     * @param port      the server's port (OAUTHBEARER sends it)
     * @return a new client, before its first message
     */
    public static SaslClient create(AuthMechanism mechanism, String user, String secret, String host, int port) {
        return switch (mechanism) {
            case SCRAM_SHA_256, SCRAM_SHA_1 -> new Scram(mechanism, user, secret);
            case PLAIN -> new Fixed(mechanism, utf8("\0" + user + "\0" + secret));
            case LOGIN -> new Login(user, secret);
            case XOAUTH2 -> new OAuth(mechanism, utf8("user=" + user + "\u0001auth=Bearer " + secret
                    + "\u0001\u0001"));
            case OAUTHBEARER -> new OAuth(mechanism, utf8("n,a=" + saslName(user) + ",\u0001host=" + host
                    + "\u0001port=" + port + "\u0001auth=Bearer " + secret + "\u0001\u0001"));
        };
    }

    /**
     * The mechanism.
     *
     * @return what this client speaks
     */
    public AuthMechanism mechanism() {
        return mechanism;
    }

    /**
     * The first message, sent with the command where the protocol allows (SASL-IR), or after the server's first,
     * empty challenge.
     *
     * @return the bytes (possibly empty), or null when the mechanism has no initial response (LOGIN)
     */
    public abstract byte[] initialResponse();

    /**
     * The answer to a server challenge.
     *
     * @param challenge the decoded challenge
     * @return the response to send (possibly empty)
     * @throws AuthenticationException when the server's message is wrong (a SCRAM server that cannot prove it
     *                                 knows the password), or the exchange has no further step
     */
    public abstract byte[] respond(byte[] challenge);

    /**
     * Called when the server said the login succeeded.
     *
     * @throws AuthenticationException when the mechanism has not verified the server (SCRAM without the server's
     *                                 final message)
     */
    public void succeeded() {
    }

    /**
     * The typed reason for a refused login that the server explained during the exchange (an OAuth JSON error).
     *
     * @param serverText the text of the server's refusal, for the message
     * @return the exception, or null when the exchange carried no explanation
     */
    public AuthenticationException explainedFailure(String serverText) {
        return null;
    }

    @Override
    public String toString() {
        return "SaslClient[" + mechanism.saslName() + "]";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 5801's saslname: {@code ,} and {@code =} escaped. */
    static String saslName(String user) {
        return user.replace("=", "=3D").replace(",", "=2C");
    }

    /** A mechanism with one message: PLAIN. */
    private static final class Fixed extends SaslClient {
        private final byte[] message;

        Fixed(AuthMechanism mechanism, byte[] message) {
            super(mechanism);
            this.message = message;
        }

        @Override
        public byte[] initialResponse() {
            return message;
        }

        @Override
        public byte[] respond(byte[] challenge) {
            // a server that sends an empty challenge instead of accepting the initial response gets it again
            if (challenge.length == 0) {
                return message;
            }
            throw new AuthenticationException("the server sent a " + mechanism().saslName()
                    + " challenge the mechanism does not have", null);
        }
    }

    /** LOGIN: the user name, then the password, each asked for by a challenge. */
    private static final class Login extends SaslClient {
        private final String user;
        private final String password;
        private int step;

        Login(String user, String password) {
            super(AuthMechanism.LOGIN);
            this.user = user;
            this.password = password;
        }

        @Override
        public byte[] initialResponse() {
            return null;
        }

        @Override
        public byte[] respond(byte[] challenge) {
            step++;
            if (step == 1) {
                return utf8(user);
            }
            if (step == 2) {
                return utf8(password);
            }
            throw new AuthenticationException("the server asked for more than user name and password (LOGIN)", null);
        }
    }

    /**
     * OAUTHBEARER and XOAUTH2: the token in the initial response; a challenge is the server's JSON error, answered
     * with the single byte 0x01 (RFC 7628 section 3.2.3) so that the server ends the exchange with its refusal.
     */
    private static final class OAuth extends SaslClient {
        private final byte[] message;
        private String status;
        private String scope;
        private boolean explained;

        OAuth(AuthMechanism mechanism, byte[] message) {
            super(mechanism);
            this.message = message;
        }

        @Override
        public byte[] initialResponse() {
            return message;
        }

        @Override
        public byte[] respond(byte[] challenge) {
            if (challenge.length == 0 && !explained) {
                return message; // no SASL-IR: the first challenge is empty
            }
            String json = new String(challenge, StandardCharsets.UTF_8);
            explained = true;
            status = JsonFields.string(json, "status");
            scope = JsonFields.string(json, "scope");
            return new byte[] {1};
        }

        @Override
        public AuthenticationException explainedFailure(String serverText) {
            if (!explained) {
                return null;
            }
            return new TokenRejectedException("the server refused the OAuth2 token (" + mechanism().saslName()
                    + ", status " + (status == null ? "not given" : status) + (scope == null ? "" : ", scope " + scope)
                    + "): " + serverText, status, scope, null);
        }
    }

    /** SCRAM-SHA-256 and SCRAM-SHA-1 through com.ongres.scram. */
    private static final class Scram extends SaslClient {
        private final ScramClient scram;
        private int step;

        Scram(AuthMechanism mechanism, String user, String password) {
            super(mechanism);
            this.scram = ScramClient.builder()
                    .advertisedMechanisms(List.of(mechanism.saslName()))
                    .username(user)
                    .password(password.toCharArray())
                    .build();
        }

        @Override
        public byte[] initialResponse() {
            step = 1;
            return utf8(scram.clientFirstMessage().toString());
        }

        @Override
        public byte[] respond(byte[] challenge) {
            String text = new String(challenge, StandardCharsets.UTF_8);
            try {
                if (step == 0) { // no SASL-IR: an empty first challenge asks for the client-first message
                    return initialResponse();
                }
                if (step == 1) {
                    step = 2;
                    scram.serverFirstMessage(text);
                    return utf8(scram.clientFinalMessage().toString());
                }
                if (step == 2) {
                    step = 3;
                    scram.serverFinalMessage(text);
                    return new byte[0];
                }
            } catch (ScramException | IllegalArgumentException | IllegalStateException e) {
                throw new AuthenticationException("the server's " + mechanism().saslName() + " message is wrong ("
                        + e.getClass().getSimpleName() + "): it may not know the password, or not be the server it"
                        + " claims to be", null);
            }
            throw new AuthenticationException("the server sent a " + mechanism().saslName()
                    + " challenge after the exchange ended", null);
        }

        @Override
        public void succeeded() {
            if (step != 3) {
                throw new AuthenticationException("the server accepted the " + mechanism().saslName()
                        + " login without proving that it knows the password (no server signature)", null);
            }
        }
    }
}
