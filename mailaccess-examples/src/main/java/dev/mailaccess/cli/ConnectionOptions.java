package dev.mailaccess.cli;

import dev.mailaccess.AuthMechanism;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailProxy;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The options every command that connects shares: password, TLS, trust, emulation, timeout, login mechanism,
 * compression and proxy.
 */
public final class ConnectionOptions {
    /** The environment variable holding the password. */
    public static final String PASSWORD_VARIABLE = "MAILACCESS_PASSWORD";
    /** The environment variable holding the proxy's password (with {@code --proxy-user}). */
    public static final String PROXY_PASSWORD_VARIABLE = "MAILACCESS_PROXY_PASSWORD";

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Read the password from the first line of FILE (default: $" + PASSWORD_VARIABLE + ").")
    private Path passwordFile;

    @Option(names = "--tls", paramLabel = "MODE",
            description = "none, starttls or implicit (default: implicit for imaps/pop3s, starttls for imap/pop3). "
                    + "none sends the password in clear text.")
    private TlsMode tls;

    @Option(names = "--trust", paramLabel = "FILE.pem",
            description = "Also trust the PEM certificate(s) in FILE (a private CA or a self-signed server).")
    private List<Path> trust = new ArrayList<>();

    @Option(names = "--emulate",
            description = "Allow EMULATED operations (e.g. search on POP3, which downloads every message).")
    private boolean emulate;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Connect and read timeout in seconds (default: 20 s connect, 60 s read).")
    private Integer timeoutSeconds;

    @Option(names = "--auth", paramLabel = "MECHANISM",
            description = "Log in with this mechanism only: scram-sha-256, scram-sha-1, plain, login (default: the "
                    + "strongest both sides have).")
    private String auth;

    @Option(names = "--no-compress", description = "Do not compress the connection (IMAP COMPRESS=DEFLATE).")
    private boolean noCompress;

    @Option(names = "--proxy", paramLabel = "URI",
            description = "Connect through a proxy: socks5://host:port or http://host:port (HTTP CONNECT).")
    private String proxy;

    @Option(names = "--proxy-user", paramLabel = "NAME",
            description = "User name for the proxy; its password comes from $" + PROXY_PASSWORD_VARIABLE + ".")
    private String proxyUser;

    /** Whether {@code --emulate} was given. */
    public boolean emulate() {
        return emulate;
    }

    /** Builds the configuration for a URL from these options and the context's environment. */
    public MailboxConfig config(String url, CliContext context) {
        MailboxConfig.Builder b;
        try {
            b = MailboxConfig.fromUri(new URI(url));
        } catch (URISyntaxException e) {
            // the URL itself is not repeated: it may hold a password typed by mistake
            throw new UsageException("not a URL: " + e.getReason() + " at index " + e.getIndex());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new UsageException("bad URL: " + e.getMessage());
        }
        if (tls != null) {
            b.tlsMode(tls);
        }
        for (Path pem : trust) {
            readCertificates(pem).forEach(b::trust);
        }
        if (timeoutSeconds != null) {
            if (timeoutSeconds <= 0) {
                throw new UsageException("--timeout must be a positive number of seconds: " + timeoutSeconds);
            }
            Duration t = Duration.ofSeconds(timeoutSeconds);
            b.connectTimeout(t).readTimeout(t);
        }
        if (auth != null) {
            try {
                b.authMechanism(AuthMechanism.fromSaslName(auth));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--auth: " + e.getMessage());
            }
        }
        if (noCompress) {
            b.compression(false);
        }
        b.proxy(proxy(context));
        String password = password(context);
        context.addSecret(password);
        return b.password(password).allowEmulation(emulate).build();
    }

    /** Connects and logs in. */
    public Mailbox connect(String url, CliContext context) {
        return MailAccess.connect(config(url, context));
    }

    private MailProxy proxy(CliContext context) {
        if (proxy == null) {
            if (proxyUser != null) {
                throw new UsageException("--proxy-user needs --proxy");
            }
            return null;
        }
        MailProxy p;
        try {
            p = MailProxy.fromUri(new URI(proxy));
        } catch (URISyntaxException e) {
            throw new UsageException("--proxy: not a URI: " + e.getReason());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--proxy: " + e.getMessage());
        }
        if (proxyUser == null) {
            return p;
        }
        String pw = context.env(PROXY_PASSWORD_VARIABLE);
        if (pw == null || pw.isEmpty()) {
            throw new UsageException("--proxy-user: set the proxy's password in " + PROXY_PASSWORD_VARIABLE);
        }
        context.addSecret(pw);
        try {
            return p.withCredentials(proxyUser, pw);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--proxy-user: " + e.getMessage());
        }
    }

    private String password(CliContext context) {
        if (passwordFile != null) {
            try {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst()
                        .orElse("");
                if (first.isEmpty()) {
                    throw new UsageException("the password file " + passwordFile + " is empty");
                }
                return first;
            } catch (IOException e) {
                throw new UsageException("cannot read the password file " + passwordFile + ": " + e, e);
            }
        }
        String pw = context.env(PASSWORD_VARIABLE);
        if (pw == null || pw.isEmpty()) {
            throw new UsageException("no password: set " + PASSWORD_VARIABLE + " or use --password-file FILE");
        }
        return pw;
    }

    private static List<X509Certificate> readCertificates(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new UsageException("no certificate in " + pem);
            }
            return out;
        } catch (IOException e) {
            throw new UsageException("cannot read " + pem + ": " + e, e);
        } catch (CertificateException e) {
            throw new UsageException("not a PEM certificate file: " + pem + " (" + e.getMessage() + ")", e);
        }
    }
}
