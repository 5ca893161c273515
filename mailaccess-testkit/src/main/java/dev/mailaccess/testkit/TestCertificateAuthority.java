package dev.mailaccess.testkit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway certificate authority for tests, made at run time with the running JDK's {@code keytool}: nothing is
 * committed, nothing needs {@code openssl}. The CA (EC P-256, basic constraints CA) signs server certificates for any
 * host name; the private keys are exported as PKCS#8 PEM from the PKCS#12 key stores keytool writes.
 *
 * <p>Generating costs a few {@code keytool} runs (about half a second each), so one CA per JVM is shared through
 * {@link #shared()} and every server certificate is made once per host name.
 */
public final class TestCertificateAuthority {
    private static final String STORE_PASSWORD = "throwaway";
    private static final Object SHARED_LOCK = new Object();
    private static volatile TestCertificateAuthority shared;

    private final byte[] caKeyStore;
    private final X509Certificate certificate;
    private final Map<String, ServerCertificate> servers = new ConcurrentHashMap<>();

    /** A server certificate signed by this CA, with its private key. */
    public record ServerCertificate(String hostName, X509Certificate certificate, String certificatePem,
                                    String privateKeyPem, String caCertificatePem) {
        /** The server certificate followed by the CA certificate, as a TLS server presents them. */
        public String chainPem() {
            return certificatePem + caCertificatePem;
        }

        @Override
        public String toString() {
            return "ServerCertificate[" + hostName + ", " + certificate.getSubjectX500Principal() + "]";
        }
    }

    private TestCertificateAuthority() {
        Path work = tempDir();
        try {
            Path ca = work.resolve("ca.p12");
            keytool(work, "-genkeypair", "-keystore", ca.toString(), "-storetype", "PKCS12",
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD, "-alias", "ca",
                    "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=mailaccess throwaway test CA, O=mailaccess tests",
                    "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                    "-startdate", "-1d", "-validity", "30");
            caKeyStore = Files.readAllBytes(ca);
            KeyStore ks = load(caKeyStore);
            certificate = (X509Certificate) ks.getCertificate("ca");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the test CA", e);
        } finally {
            deleteTree(work);
        }
    }

    /** The CA of this JVM, made on first use. */
    public static TestCertificateAuthority shared() {
        TestCertificateAuthority ca = shared;
        if (ca == null) {
            synchronized (SHARED_LOCK) {
                ca = shared;
                if (ca == null) {
                    ca = new TestCertificateAuthority();
                    shared = ca;
                }
            }
        }
        return ca;
    }

    /** The CA certificate, to trust in clients. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate in PEM. */
    public String certificatePem() {
        return pem(certificate);
    }

    /**
     * A server certificate for {@code hostName}, made once and cached. For {@code localhost} the subject alternative
     * names are {@code dns:localhost} and {@code ip:127.0.0.1}; for any other name only {@code dns:<name>}, so a
     * client connecting to 127.0.0.1 or localhost with host-name verification rejects it.
     */
    public ServerCertificate serverCertificate(String hostName) {
        String name = hostName.toLowerCase(Locale.ROOT);
        if (!name.matches("[a-z0-9.-]+")) {
            throw new IllegalArgumentException("not a plain DNS name: " + hostName);
        }
        return servers.computeIfAbsent(name, this::issue);
    }

    private ServerCertificate issue(String name) {
        Path work = tempDir();
        try {
            Path ca = work.resolve("ca.p12");
            Files.write(ca, caKeyStore);
            Path server = work.resolve("server.p12");
            Path csr = work.resolve("server.csr");
            Path crt = work.resolve("server.crt");
            keytool(work, "-genkeypair", "-keystore", server.toString(), "-storetype", "PKCS12",
                    "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD, "-alias", "server",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name + ", O=mailaccess tests");
            keytool(work, "-certreq", "-keystore", server.toString(), "-storepass", STORE_PASSWORD,
                    "-alias", "server", "-file", csr.toString());
            String san = "localhost".equals(name) ? "san=dns:localhost,ip:127.0.0.1" : "san=dns:" + name;
            keytool(work, "-gencert", "-keystore", ca.toString(), "-storepass", STORE_PASSWORD, "-alias", "ca",
                    "-infile", csr.toString(), "-outfile", crt.toString(), "-rfc",
                    "-ext", san, "-ext", "eku=serverAuth", "-ext", "ku:c=digitalSignature,keyEncipherment",
                    "-startdate", "-1d", "-validity", "30");
            X509Certificate cert;
            try (InputStream in = Files.newInputStream(crt)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            Key key = load(Files.readAllBytes(server)).getKey("server", STORE_PASSWORD.toCharArray());
            String keyPem = pem("PRIVATE KEY", key.getEncoded());
            return new ServerCertificate(name, cert, pem(cert), keyPem, certificatePem());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a test certificate for " + name, e);
        } finally {
            deleteTree(work);
        }
    }

    /** A client TLS context that trusts only this CA (host names are checked by the caller's socket parameters). */
    public SSLContext clientContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509Certificate cert) {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyStore load(byte[] p12) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(new ByteArrayInputStream(p12), STORE_PASSWORD.toCharArray());
        return ks;
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.add("-J-XX:TieredStopAtLevel=1");
        cmd.add("-J-Xshare:auto");
        cmd.add("-noprompt");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool timed out: " + String.join(" ", args));
            }
            if (p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (" + p.exitValue() + "): "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("mailaccess-ca-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
