package dev.mailaccess.imap;

import dev.mailaccess.AuthMechanism;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.Credentials;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import dev.mailaccess.angus.internal.SaslClient;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * How one IMAP connection logs in, in place of Angus's login (reached through {@code sasllogin}, which Angus calls
 * for every new connection, the pool's included):
 * <ol>
 *   <li>the mechanism: the one the configuration pins, else the strongest both sides have ({@link #ORDER}); PLAIN and
 *       LOGIN only inside TLS, or where the configuration chose {@link TlsMode#NONE};</li>
 *   <li>{@code AUTHENTICATE} with the initial response on the command line where the server has SASL-IR (RFC 4959):
 *       one round trip for PLAIN, OAUTHBEARER and XOAUTH2 (Angus sends none); without SASL-IR, PLAIN becomes the
 *       {@code LOGIN} command (one round trip instead of two) where the user name and password are printable
 *       ASCII;</li>
 *   <li>the secret read from the configuration at each login, so an OAuth2 token supplier is called on every
 *       (re)connect;</li>
 *   <li>after login, {@code ID} (RFC 2971) with the configured client id where the server announces ID.</li>
 * </ol>
 */
final class ImapLogin {
    private static final Logger LOG = LoggerFactory.getLogger(ImapLogin.class);
    /** The automatic choice, strongest first. */
    static final List<AuthMechanism> ORDER = List.of(AuthMechanism.SCRAM_SHA_256, AuthMechanism.SCRAM_SHA_1,
            AuthMechanism.PLAIN, AuthMechanism.LOGIN, AuthMechanism.OAUTHBEARER, AuthMechanism.XOAUTH2);

    /**
     * What a login did: the mechanisms the server offered before it, the one used ({@code LOGIN command} for the
     * IMAP command), and whether the initial response went with the command.
     */
    record Outcome(List<String> offered, String mechanism, boolean initialResponse) {
    }

    /** A failure with its own meaning, carried through Angus's login as a protocol failure. */
    static final class Refused extends ProtocolException {
        private static final long serialVersionUID = 1L;
        /** The failure to report. */
        final transient AuthenticationException failure;

        Refused(AuthenticationException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }
    }

    private ImapLogin() {
    }

    /** The mechanisms a server announced as {@code AUTH=} capabilities, upper case, in its order. */
    static List<String> offered(BoundedImapProtocol p) {
        List<String> out = new ArrayList<>();
        for (String cap : p.getCapabilities().keySet()) {
            if (cap.startsWith("AUTH=")) {
                out.add(cap.substring(5).toUpperCase(Locale.ROOT));
            }
        }
        return out;
    }

    /**
     * The mechanism to use, or null for the IMAP {@code LOGIN} command.
     *
     * @throws AuthenticationException when nothing fits (the message says what each side has)
     */
    static AuthMechanism choose(MailboxConfig config, List<String> offered, boolean saslIr, boolean loginDisabled,
                                boolean tls) {
        boolean password = config.credentials() instanceof Credentials.Password;
        boolean cleartextOk = tls || config.tlsMode() == TlsMode.NONE;
        boolean loginCommand = password && !loginDisabled && cleartextOk
                && printableAscii(config.user()) && printableAscii(((Credentials.Password) config.credentials())
                .reveal());
        AuthMechanism pinned = config.authMechanism();
        if (pinned != null) {
            if (pinned.sendsPassword() && !cleartextOk) {
                throw new AuthenticationException(pinned.saslName() + " would send the password before TLS on "
                        + config.displayUri() + "; refused", null);
            }
            if (offered.contains(pinned.saslName())) {
                return pinned == AuthMechanism.PLAIN && !saslIr && loginCommand ? null : pinned;
            }
            if (pinned == AuthMechanism.PLAIN && loginCommand) {
                return null; // the LOGIN command carries the same secret the same way
            }
            throw new AuthenticationException("the server " + config.displayUri() + " does not offer "
                    + pinned.saslName() + " (it offers " + describe(offered) + ")", null);
        }
        for (AuthMechanism m : ORDER) {
            if (m.usesPassword() != password || !offered.contains(m.saslName())) {
                continue;
            }
            if (m.sendsPassword() && !cleartextOk) {
                continue;
            }
            if (m == AuthMechanism.PLAIN && !saslIr && loginCommand) {
                return null;
            }
            return m;
        }
        if (loginCommand) {
            return null;
        }
        throw new AuthenticationException("no login mechanism in common with " + config.displayUri() + ": it offers "
                + describe(offered) + (loginDisabled ? " and LOGINDISABLED" : "") + "; the credentials are "
                + (password ? "a password" : "an OAuth2 token"), null);
    }

    private static String describe(List<String> offered) {
        return offered.isEmpty() ? "no AUTH= mechanism" : String.join(" ", offered);
    }

    private static boolean printableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Logs the connection in, then sends ID where configured and announced. */
    static Outcome login(BoundedImapProtocol p, MailboxConfig config, String user) throws ProtocolException {
        List<String> offered = offered(p);
        AuthMechanism m;
        try {
            m = choose(config, offered, p.hasCapability("SASL-IR"), p.hasCapability("LOGINDISABLED"), p.isSSL());
        } catch (AuthenticationException e) {
            throw new Refused(e);
        }
        String secret = secret(config);
        Outcome outcome;
        if (m == null) {
            p.login(user, secret);
            outcome = new Outcome(offered, "LOGIN command", false);
        } else {
            outcome = authenticate(p, config, SaslClient.create(m, user, secret, config.host(), config.port()),
                    offered);
        }
        identify(p, config);
        return outcome;
    }

    /** The password, or a fresh token from the supplier: read at every login. */
    private static String secret(MailboxConfig config) {
        if (config.credentials() instanceof Credentials.Password pw) {
            return pw.reveal();
        }
        if (config.credentials() instanceof Credentials.OAuth2 o) {
            return o.currentToken();
        }
        throw new IllegalArgumentException("no credentials configured for " + config.displayUri());
    }

    private static Outcome authenticate(BoundedImapProtocol p, MailboxConfig config, SaslClient client,
                                        List<String> offered) throws ProtocolException {
        String name = client.mechanism().saslName();
        byte[] initial = client.initialResponse();
        boolean ir = initial != null && p.hasCapability("SASL-IR");
        Argument args = new Argument();
        args.writeAtom(name);
        if (ir) {
            args.writeAtom(initial.length == 0 ? "=" : Base64.getEncoder().encodeToString(initial));
        }
        List<Response> responses = new ArrayList<>();
        Response r;
        AuthenticationException abandoned = null;
        p.quietForSecrets(true, name);
        try {
            String tag;
            try {
                tag = p.writeCommand("AUTHENTICATE", args);
            } catch (Exception e) {
                r = Response.byeResponse(e);
                tag = null;
            }
            while (true) {
                if (tag == null) {
                    r = Response.byeResponse(new java.io.EOFException("AUTHENTICATE could not be sent"));
                    break;
                }
                try {
                    r = p.readResponse();
                } catch (Exception e) {
                    r = Response.byeResponse(e);
                    break;
                }
                if (r.isContinuation()) {
                    byte[] reply;
                    if (abandoned != null) {
                        reply = null;
                    } else {
                        try {
                            reply = client.respond(decode(r.getRest()));
                        } catch (AuthenticationException e) {
                            abandoned = e;
                            reply = null;
                        }
                    }
                    try {
                        p.sendLine(reply == null ? "*" : Base64.getEncoder().encodeToString(reply));
                    } catch (Exception e) {
                        r = Response.byeResponse(e);
                        break;
                    }
                } else if (r.isTagged() && r.getTag().equals(tag)) {
                    break;
                } else if (r.isBYE()) {
                    break;
                } else {
                    responses.add(r);
                }
            }
        } finally {
            p.quietForSecrets(false, name);
        }
        responses.add(r);
        Response[] all = responses.toArray(new Response[0]);
        p.handleCapabilityResponse(all);
        p.notifyResponseHandlers(all);
        if (abandoned != null) {
            throw new Refused(new AuthenticationException(abandoned.getMessage() + " (" + config.displayUri() + ")",
                    null));
        }
        if (!r.isOK()) {
            AuthenticationException typed = client.explainedFailure(r.getRest());
            if (typed != null && !r.isBYE()) {
                throw new Refused(typed);
            }
        }
        p.loginResult(r); // NO, BAD or BYE throw as for Angus's own login
        try {
            client.succeeded();
        } catch (AuthenticationException e) {
            throw new Refused(e);
        }
        return new Outcome(offered, name, ir);
    }

    private static byte[] decode(String text) {
        String t = text == null ? "" : text.strip();
        try {
            return Base64.getMimeDecoder().decode(t.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new AuthenticationException("the server's challenge is not base64", null);
        }
    }

    private static void identify(BoundedImapProtocol p, MailboxConfig config) {
        if (config.clientId().isEmpty() || !p.hasCapability("ID")) {
            return;
        }
        try {
            p.id(config.clientId());
        } catch (ProtocolException e) {
            LOG.debug("{}: ID refused: {}", config.displayUri(), e.getMessage());
        }
    }
}
