// long because it runs a real Dovecot for the tests from nothing, and each step must clean up after itself:
// configuration, start, readiness, users, Maildir seeding with keywords, and a stop that never leaks a process.
package dev.mailaccess.testkit;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real Dovecot 2.3, started by the test as its own instance: its own configuration file (no {@code /etc/dovecot}),
 * its own temporary directory for runtime sockets, state, log, users and mail, listening on 127.0.0.1 only, on four
 * free ports: {@code imap} and {@code pop3} (cleartext, STARTTLS/STLS offered when TLS is on) and {@code imaps} and
 * {@code pop3s} (implicit TLS).
 *
 * <h2>Layout and choices</h2>
 * <ul>
 *   <li>Users live in a {@code passwd-file} with {@code {PLAIN}} passwords; {@link #newUser()} appends a line and
 *       Dovecot rereads the file when it changes.</li>
 *   <li>Mail is {@code maildir:DIR/home/%u/Maildir} in Maildir++ layout, with the IMAP hierarchy separator
 *       {@code "."} (Dovecot's default for Maildir): folder {@code A.B} is the directory {@code .A.B}.
 *       Keep folder names to plain ASCII without {@code /}; no modified-UTF-7 mapping is done.</li>
 *   <li>Mail user ids: when the JVM runs as root, Dovecot runs the mail processes as {@code 65534:65534}
 *       ({@code nobody:nogroup}); Dovecot refuses uid 0 for mail users ({@code first_valid_uid}), so every
 *       directory the fixture makes under a user's home is chown'ed to 65534. The fixture writes message files as
 *       root with mode 0644; Dovecot only needs write access to the directories to rename and unlink them.
 *       Login and internal processes run as {@code dovenull} and {@code dovecot} (made by the Debian package), or
 *       {@code nobody} when those users are missing. When the JVM is not root, everything runs as the current
 *       user (untested in CI, which runs as root).</li>
 *   <li>TLS: a throwaway CA made with {@code keytool} at run time ({@link TestCertificateAuthority}); the server
 *       certificate names {@code localhost} and {@code 127.0.0.1}, or another host name chosen with
 *       {@link Options#certificateHostName(String)} to show host-name verification failing.
 *       {@link Options#tls(boolean) tls(false)} runs with {@code ssl = no}: no implicit-TLS ports, and no
 *       STARTTLS/STLS on the cleartext ones.</li>
 *   <li>No XOAUTH2 (it would need an OAuth2 passdb); mechanisms are PLAIN and LOGIN, cleartext login allowed.</li>
 *   <li>Auth failure delay and anvil's auth penalty are off, so wrong-password tests are fast.</li>
 *   <li>{@link #deliver} writes straight into the Maildir ({@code tmp/} then rename to {@code cur/}) with the flags
 *       as info letters; keywords are written through the folder's {@code dovecot-keywords} file (best effort:
 *       deliver keywords before a client creates other keywords in the same folder).</li>
 * </ul>
 *
 * <p>Start one with {@link #start()} or, in tests, {@link #startOrSkip()}: when Dovecot is missing the test is
 * skipped, except when the environment variable {@code CI} is {@code true}, where it fails.
 * {@link #close()} stops the master process and its children (SIGTERM, then SIGKILL) and deletes the directory; a
 * JVM shutdown hook does the same if a test forgets.
 */
public final class DovecotFixture implements MailServerFixture {
    /** The Dovecot binary; override with the system property {@code mailaccess.dovecot}. */
    public static final Path DOVECOT = Path.of(System.getProperty("mailaccess.dovecot", "/usr/sbin/dovecot"));
    /** Why a Dovecot test is skipped, and how to fix it. */
    public static final String NOT_INSTALLED =
            "Dovecot not installed: apt-get install dovecot-imapd dovecot-pop3d";
    /** The hierarchy separator of the fixture's only namespace. */
    public static final char SEPARATOR = '.';

    private static final String HOST = "127.0.0.1";
    private static final String MAILDIR_HOST = "mailaccess-fixture";
    private static final int START_ATTEMPTS = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** Users written to the passwd-file ahead of use (see {@link #newUser()}). */
    private static final int USER_BLOCK = 1000;
    private static final long PID = ProcessHandle.current().pid();

    private final Options options;
    private final Path dir;
    private final Path users;
    private final Path log;
    private final int mailUid;
    private final int mailGid;
    private final boolean chown;
    private final TestCertificateAuthority ca;
    private final Path caPem;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final AtomicLong lastMicros = new AtomicLong();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicInteger userCount = new AtomicInteger();
    private int usersAllocated;
    private final Thread shutdownHook;
    private volatile long masterPid = -1;
    private volatile boolean closed;

    /** How to start a {@link DovecotFixture}. Immutable; each method returns a changed copy. */
    public static final class Options {
        private final boolean tls;
        private final String certificateHostName;
        private final int maxUserIpConnections;
        private final String authMechanisms;
        private final boolean compression;
        private final String quotaRule;

        private Options(boolean tls, String certificateHostName, int maxUserIpConnections, String authMechanisms,
                        boolean compression, String quotaRule) {
            this.tls = tls;
            this.certificateHostName = certificateHostName;
            this.maxUserIpConnections = maxUserIpConnections;
            this.authMechanisms = authMechanisms;
            this.compression = compression;
            this.quotaRule = quotaRule;
        }

        /**
         * TLS on (STARTTLS offered, implicit-TLS ports open), certificate for localhost and 127.0.0.1, 1000
         * connections per user and address, mechanisms PLAIN and LOGIN, no COMPRESS, no quota.
         */
        public static Options defaults() {
            return new Options(true, "localhost", 1000, "plain login", false, null);
        }

        /** {@code false}: {@code ssl = no}, only the cleartext ports, no STARTTLS/STLS offered. */
        public Options tls(boolean enabled) {
            return new Options(enabled, certificateHostName, maxUserIpConnections, authMechanisms, compression,
                    quotaRule);
        }

        /**
         * Dovecot's {@code mail_max_userip_connections} for IMAP and POP3: one more connection of the same user from
         * the same address is refused (with {@code [LIMIT]} on IMAP, {@code [IN-USE]} on POP3).
         */
        public Options maxUserIpConnections(int connections) {
            return new Options(tls, certificateHostName, connections, authMechanisms, compression, quotaRule);
        }

        /**
         * The only name in the server certificate (still signed by the trusted test CA). Anything but
         * {@code localhost} makes host-name verification against 127.0.0.1 fail, e.g. {@code wronghost.example}.
         */
        public Options certificateHostName(String hostName) {
            return new Options(tls, hostName, maxUserIpConnections, authMechanisms, compression, quotaRule);
        }

        /** Shorthand for {@code certificateHostName("wronghost.example")}. */
        public Options wrongHostCertificate() {
            return certificateHostName("wronghost.example");
        }

        /** Dovecot's {@code auth_mechanisms}, e.g. {@code "scram-sha-256 scram-sha-1 plain login"}. */
        public Options authMechanisms(String mechanisms) {
            return new Options(tls, certificateHostName, maxUserIpConnections, mechanisms, compression, quotaRule);
        }

        /** {@code true}: the {@code imap_zlib} plugin, so that IMAP offers COMPRESS=DEFLATE after login. */
        public Options compression(boolean enabled) {
            return new Options(tls, certificateHostName, maxUserIpConnections, authMechanisms, enabled, quotaRule);
        }

        /**
         * The {@code quota} and {@code imap_quota} plugins with the {@code count} backend and this rule, e.g.
         * {@code "*:storage=10M"} or {@code "*:messages=50"}; IMAP then offers QUOTA.
         */
        public Options quota(String rule) {
            return new Options(tls, certificateHostName, maxUserIpConnections, authMechanisms, compression, rule);
        }

        public boolean tls() {
            return tls;
        }

        public String certificateHostName() {
            return certificateHostName;
        }

        public int maxUserIpConnections() {
            return maxUserIpConnections;
        }

        @Override
        public String toString() {
            return "Options[tls=" + tls + ", certificateHostName=" + certificateHostName + ", maxUserIpConnections="
                    + maxUserIpConnections + ", authMechanisms=" + authMechanisms + ", compression=" + compression
                    + ", quota=" + quotaRule + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------ availability

    /** Whether the Dovecot binary is installed and executable. */
    public static boolean isAvailable() {
        return Files.isExecutable(DOVECOT);
    }

    /**
     * Skips the calling test when Dovecot is missing ({@link #NOT_INSTALLED} is the reason), or fails it when the
     * environment variable {@code CI} is {@code true}: in CI a missing Dovecot is a broken build, not a skip.
     */
    public static void assumeAvailable() {
        assumeAvailable(DOVECOT, System.getenv("CI"));
    }

    /** {@link #assumeAvailable()} for a given binary and value of {@code CI}; package-private for tests. */
    static void assumeAvailable(Path binary, String ciVariable) {
        if (Files.isExecutable(binary)) {
            return;
        }
        String reason = NOT_INSTALLED + " (looked for " + binary + ")";
        if ("true".equals(ciVariable)) {
            Assertions.fail(reason + "; CI=true, so this is a failure, not a skip");
        }
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }

    /** {@link #assumeAvailable()}, then {@link #start()}. */
    public static DovecotFixture startOrSkip() {
        return startOrSkip(Options.defaults());
    }

    /** {@link #assumeAvailable()}, then {@link #start(Options)}. */
    public static DovecotFixture startOrSkip(Options options) {
        assumeAvailable();
        return start(options);
    }

    /** Starts a fixture with {@link Options#defaults()}. */
    public static DovecotFixture start() {
        return start(Options.defaults());
    }

    /**
     * Starts a fixture and returns when every port answers with a greeting.
     *
     * @throws IllegalStateException when Dovecot is missing or does not start; the message holds the log tail
     */
    public static DovecotFixture start(Options options) {
        if (!isAvailable()) {
            throw new IllegalStateException(NOT_INSTALLED + " (looked for " + DOVECOT + ")");
        }
        return new DovecotFixture(options);
    }

    // ------------------------------------------------------------------------------------------------ start, stop

    private DovecotFixture(Options options) {
        this.options = options;
        this.dir = createBaseDir();
        this.users = dir.resolve("users");
        this.log = dir.resolve("log/dovecot.log");
        boolean root = currentUid() == 0;
        this.chown = root;
        this.mailUid = root ? 65534 : currentUid();
        this.mailGid = root ? 65534 : currentGid();
        this.shutdownHook = new Thread(() -> {
            stopProcesses();
            TestCertificateAuthority.deleteTree(dir);
        }, "dovecot-fixture-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(dir.resolve("state"));
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dir.resolve("tls"));
            Files.write(users, new byte[0]);
            allocateUsers();
            chownTo(dir.resolve("home"));
            this.ca = TestCertificateAuthority.shared();
            this.caPem = dir.resolve("tls/ca.pem");
            Files.writeString(caPem, ca.certificatePem());
            if (options.tls()) {
                TestCertificateAuthority.ServerCertificate sc = ca.serverCertificate(options.certificateHostName());
                Files.writeString(dir.resolve("tls/server.pem"), sc.chainPem());
                Path key = dir.resolve("tls/server.key");
                Files.writeString(key, sc.privateKeyPem());
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            }
            startDovecot();
        } catch (IOException | RuntimeException e) {
            stopProcesses();
            removeHook();
            TestCertificateAuthority.deleteTree(dir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }

    private static Path createBaseDir() {
        try {
            // Under /tmp, not java.io.tmpdir: unix socket paths in base_dir must stay short (108 bytes), and every
            // parent must be searchable by the mail user.
            Path tmp = Path.of("/tmp");
            Path d = Files.isDirectory(tmp) ? Files.createTempDirectory(tmp, "dovecot-") : Files.createTempDirectory("dovecot-");
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startDovecot() throws IOException {
        String lastFailure = "";
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            ports.clear();
            List<Integer> free = freePorts(options.tls() ? 4 : 2);
            ports.put("imap", free.get(0));
            ports.put("pop3", free.get(1));
            if (options.tls()) {
                ports.put("imaps", free.get(2));
                ports.put("pop3s", free.get(3));
            }
            Path conf = dir.resolve("dovecot.conf");
            Files.writeString(conf, configuration());
            // The daemonized master inherits stdout/stderr: send them to a file, never to a pipe we would wait on.
            Path startLog = dir.resolve("log/start.out");
            Process p = new ProcessBuilder(DOVECOT.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(startLog.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            int rc;
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("dovecot did not daemonize within 30 s" + logTail());
                }
                rc = p.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting dovecot", e);
            }
            String output = Files.exists(startLog) ? Files.readString(startLog, StandardCharsets.ISO_8859_1) : "";
            if (rc == 0) {
                masterPid = readMasterPid();
                if (awaitReady()) {
                    return;
                }
                lastFailure = "ports did not answer within " + READY_TIMEOUT.toSeconds() + " s";
                stopProcesses();
                if (!logText().contains("Address already in use")) {
                    break;
                }
            } else {
                lastFailure = "dovecot exited with " + rc + ": " + output.strip();
                if (!(output + logText()).contains("Address already in use")) {
                    break;
                }
            }
            // a port was taken between probing and binding: try other ports
        }
        throw new IllegalStateException("cannot start dovecot (" + DOVECOT + "): " + lastFailure + logTail());
    }

    private long readMasterPid() {
        Path pidFile = dir.resolve("run/master.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(pidFile)) {
                    String s = Files.readString(pidFile).strip();
                    if (!s.isEmpty()) {
                        return Long.parseLong(s);
                    }
                }
                Thread.sleep(20);
            } catch (IOException | NumberFormatException e) {
                // being written; retry
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("dovecot started but wrote no " + pidFile + logTail());
    }

    private boolean awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        for (Map.Entry<String, Integer> e : ports.entrySet()) {
            String proto = e.getKey();
            boolean tls = proto.endsWith("s");
            String expect = proto.startsWith("imap") ? "* OK" : "+OK";
            while (true) {
                if (!masterAlive()) {
                    return false;
                }
                try {
                    String greeting = greeting(e.getValue(), tls, false);
                    if (greeting.startsWith(expect)) {
                        break;
                    }
                } catch (IOException ex) {
                    // not ready yet
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                sleep(50);
            }
        }
        return true;
    }

    /**
     * Connects to a port and returns the server's first line. With {@code tls}, the connection uses TLS trusting
     * only the test CA; {@code verifyHostName} also checks the certificate names against 127.0.0.1.
     */
    public String greeting(int port, boolean tls, boolean verifyHostName) throws IOException {
        try (Socket s = tls ? ca.clientContext().getSocketFactory().createSocket() : new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 2000);
            s.setSoTimeout(5000);
            if (s instanceof SSLSocket ssl) {
                if (verifyHostName) {
                    var params = ssl.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(params);
                }
                ssl.startHandshake();
            }
            return readLine(s.getInputStream());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    private String configuration() {
        String d = dir.toString();
        boolean root = currentUid() == 0;
        String loginUser = root ? (systemUserExists("dovenull") ? "dovenull" : "nobody") : currentUserName();
        String internalUser = root ? (systemUserExists("dovecot") ? "dovecot" : "nobody") : currentUserName();
        StringBuilder c = new StringBuilder();
        c.append("# written by ").append(DovecotFixture.class.getName()).append("; no /etc/dovecot is read\n");
        c.append("protocols = imap pop3\n");
        c.append("listen = ").append(HOST).append('\n');
        c.append("base_dir = ").append(d).append("/run\n");
        c.append("state_dir = ").append(d).append("/state\n");
        c.append("log_path = ").append(log).append('\n');
        c.append("instance_name = mailaccess-").append(dir.getFileName()).append('\n');
        c.append("default_login_user = ").append(loginUser).append('\n');
        c.append("default_internal_user = ").append(internalUser).append('\n');
        if (!root) {
            c.append("first_valid_uid = ").append(mailUid).append('\n');
            c.append("last_valid_uid = ").append(mailUid).append('\n');
        }
        if (options.tls()) {
            c.append("ssl = yes\n");
            c.append("ssl_cert = <").append(d).append("/tls/server.pem\n");
            c.append("ssl_key = <").append(d).append("/tls/server.key\n");
            c.append("ssl_min_protocol = TLSv1.2\n");
        } else {
            c.append("ssl = no\n");
        }
        if (!mailPlugins().isEmpty()) {
            // before the protocol sections, which add to it
            c.append("mail_plugins = $mail_plugins ").append(mailPlugins()).append('\n');
        }
        c.append("""
                disable_plaintext_auth = no
                auth_mechanisms = %6$s
                auth_failure_delay = 0
                auth_verbose = yes
                mail_location = maildir:%1$s/home/%%u/Maildir
                mail_fsync = never
                namespace inbox {
                  inbox = yes
                  separator = %4$s
                }
                passdb {
                  driver = passwd-file
                  args = scheme=PLAIN username_format=%%u %1$s/users
                }
                userdb {
                  driver = static
                  args = uid=%2$d gid=%3$d home=%1$s/home/%%u
                }
                protocol imap {
                  mail_max_userip_connections = %5$d
                  mail_plugins = $mail_plugins %7$s
                }
                protocol pop3 {
                  mail_max_userip_connections = %5$d
                }
                service anvil {
                  unix_listener anvil-auth-penalty {
                    mode = 0
                  }
                }
                """.formatted(d, mailUid, mailGid, SEPARATOR, options.maxUserIpConnections(), options.authMechanisms,
                imapPlugins()));
        if (options.quotaRule != null) {
            c.append("plugin {\n  quota = count:User quota\n  quota_rule = ").append(options.quotaRule)
                    .append("\n  quota_vsizes = yes\n}\n");
        }
        c.append(loginService("imap-login", "imap", "imaps"));
        c.append(loginService("pop3-login", "pop3", "pop3s"));
        c.append(mailService("imap")).append(mailService("pop3"));
        return c.toString();
    }

    private String mailPlugins() {
        return ((options.compression ? "zlib " : "") + (options.quotaRule != null ? "quota" : "")).strip();
    }

    private String imapPlugins() {
        return ((options.compression ? "imap_zlib " : "") + (options.quotaRule != null ? "imap_quota" : "")).strip();
    }

    private String loginService(String service, String clear, String implicit) {
        int tlsPort = ports.getOrDefault(implicit, 0);
        return "service " + service + " {\n"
                + LOGIN_PROCESS_REUSE
                + "  inet_listener " + clear + " {\n    address = " + HOST + "\n    port = " + ports.get(clear) + "\n  }\n"
                + "  inet_listener " + implicit + " {\n    address = " + HOST + "\n    port = " + tlsPort + "\n"
                + (tlsPort > 0 ? "    ssl = yes\n" : "") + "  }\n"
                + "}\n";
    }

    /**
     * Login processes in "high-performance" mode: a few long-lived processes serve every connection, instead of a
     * fork per connection (Dovecot's default), which cost 50-150 ms per connection here.
     */
    private static final String LOGIN_PROCESS_REUSE = "  service_count = 0\n  process_min_avail = 1\n";

    /** Mail processes (one user at a time, all with the same uid here) are reused and one is kept ready. */
    private static String mailService(String service) {
        return "service " + service + " {\n  service_count = 1000\n  process_min_avail = 1\n}\n";
    }

    private static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                sockets.add(s);
                out.add(s.getLocalPort());
            }
            return out;
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private boolean masterAlive() {
        return isProcessRunning(masterPid);
    }

    /**
     * Whether a process exists and has not exited. A daemon's exited master is reparented to pid 1 and stays a
     * zombie until pid 1 reaps it (slowly, or never, in some containers); {@link ProcessHandle#isAlive()} counts
     * that as alive, this method does not.
     */
    public static boolean isProcessRunning(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(DovecotFixture::running).orElse(false);
    }

    private static boolean running(ProcessHandle h) {
        if (!h.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X' && state != 'x';
        } catch (IOException | RuntimeException e) {
            return h.isAlive();
        }
    }

    /** The pid of this instance's Dovecot master process (-1 before start). */
    public long pid() {
        return masterPid;
    }

    /** Whether this instance's master process is running. */
    public boolean isRunning() {
        return masterAlive();
    }

    /**
     * Stops the master and its children: SIGTERM, up to 5 s to exit, then SIGKILL for whatever is left (master and
     * any child that outlived it). Safe to call twice.
     */
    private synchronized void stopProcesses() {
        long pid = masterPid;
        if (pid <= 0) {
            return;
        }
        Optional<ProcessHandle> master = ProcessHandle.of(pid).filter(this::isOurDovecot);
        if (master.isEmpty()) {
            masterPid = -1;
            return;
        }
        List<ProcessHandle> children = master.get().descendants().toList();
        master.get().destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (running(master.get()) && System.nanoTime() < deadline) {
            sleep(20);
        }
        if (running(master.get())) {
            master.get().destroyForcibly();
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (ProcessHandle child : children) {
            while (running(child) && System.nanoTime() < deadline) {
                sleep(20);
            }
            if (running(child)) {
                child.destroyForcibly();
            }
        }
        masterPid = -1;
    }

    private boolean isOurDovecot(ProcessHandle h) {
        // guard against a recycled pid: the command line must name our configuration file (if readable at all)
        Optional<String> cmd = h.info().commandLine();
        return cmd.isEmpty() || cmd.get().contains(dir.toString()) || cmd.get().contains("dovecot");
    }

    private void removeHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // JVM already shutting down, or hook already removed
        }
    }

    /** Stops Dovecot (no process of this instance is left) and deletes the temporary directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopProcesses();
        removeHook();
        TestCertificateAuthority.deleteTree(dir);
    }

    // ------------------------------------------------------------------------------------------------ descriptive

    @Override
    public String name() {
        return "dovecot";
    }

    @Override
    public String host() {
        return HOST;
    }

    /** The cleartext port of {@code imap} or {@code pop3} (STARTTLS/STLS offered when TLS is on). */
    @Override
    public int port(String protocol) {
        String p = MailboxConfig.canonicalProtocol(protocol);
        Integer port = ports.get(p);
        if (port == null) {
            throw new IllegalArgumentException("Dovecot fixture has no protocol " + protocol);
        }
        return port;
    }

    /**
     * The implicit-TLS port for {@code imap}/{@code imaps} or {@code pop3}/{@code pop3s}.
     *
     * @throws IllegalStateException when the fixture runs with TLS off
     */
    public int tlsPort(String protocol) {
        if (!options.tls()) {
            throw new IllegalStateException("this Dovecot fixture runs with ssl = no: no implicit-TLS port");
        }
        return ports.get(MailboxConfig.canonicalProtocol(protocol) + "s");
    }

    /** The options this fixture was started with. */
    public Options options() {
        return options;
    }

    /** The test CA that signed the server certificate; trust it in clients. */
    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** The test CA certificate as a PEM file (inside the fixture directory; gone after {@link #close()}). */
    public Path caPemFile() {
        return caPem;
    }

    /** The fixture's temporary directory (configuration, log, users, mail). */
    public Path directory() {
        return dir;
    }

    /** The Dovecot log file. */
    public Path logFile() {
        return log;
    }

    /** The last lines of the Dovecot log, for failure messages. */
    public String logTail(int lines) {
        List<String> all = Arrays.asList(logText().split("\n"));
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private String logTail() {
        String tail = logTail(30);
        return tail.isBlank() ? " (dovecot log " + log + " is empty)" : "\n--- tail of " + log + " ---\n" + tail;
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** A configuration with implicit TLS ({@code imaps}/{@code pop3s} port), trusting the test CA. */
    public MailboxConfig.Builder implicitTlsConfig(String protocol, String user) {
        return config(protocol, user).port(tlsPort(protocol)).tlsMode(TlsMode.IMPLICIT).trust(caCertificate());
    }

    /** A configuration on the cleartext port with STARTTLS/STLS required, trusting the test CA. */
    public MailboxConfig.Builder startTlsConfig(String protocol, String user) {
        return config(protocol, user).tlsMode(TlsMode.STARTTLS).trust(caCertificate());
    }

    @Override
    public String toString() {
        return "DovecotFixture[pid=" + masterPid + ", ports=" + ports + ", " + options + ", dir=" + dir + "]";
    }

    // ------------------------------------------------------------------------------------------------ users, mail

    /**
     * Hands out the next user, {@code user1}, {@code user2}, ... with password {@code pw-<user>}, and creates its
     * Maildir. Dovecot's passwd-file driver looks at the file at most once a second, so users are written to the
     * file in blocks of {@value #USER_BLOCK} ahead of use (the first block before Dovecot starts); when a block runs
     * out the next one is appended and this call waits until Dovecot accepts the new user (about a second).
     */
    @Override
    public synchronized String newUser() {
        int n = userCount.incrementAndGet();
        String login = "user" + n;
        try {
            Path maildir = dir.resolve("home").resolve(login).resolve("Maildir");
            makeMaildir(maildir);
            chownTo(dir.resolve("home").resolve(login));
            if (n > usersAllocated) {
                allocateUsers();
                awaitLogin(login);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create user " + login, e);
        }
        passwords.put(login, "pw-" + login);
        return login;
    }

    /**
     * Hands out a user whose passwd-file entry holds a SCRAM-SHA-256 hash (made by {@code doveadm pw}) instead of
     * the password: {@code scram1}, {@code scram2}, ... with password {@code pw-<user>}. Waits until Dovecot
     * accepts it (about a second: the passwd-file is reread at most once a second).
     */
    public synchronized String newScramUser() {
        String login = "scram" + userCount.incrementAndGet();
        String pw = "pw-" + login;
        try {
            Process p = new ProcessBuilder(DOVECOT.resolveSibling("../bin/doveadm").normalize().toString(), "pw",
                    "-s", "SCRAM-SHA-256", "-p", pw).redirectErrorStream(true).start();
            String hash = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !hash.startsWith("{SCRAM-SHA-256}")) {
                throw new IllegalStateException("doveadm pw failed: " + hash);
            }
            Path maildir = dir.resolve("home").resolve(login).resolve("Maildir");
            makeMaildir(maildir);
            chownTo(dir.resolve("home").resolve(login));
            Files.writeString(users, login + ":" + hash + "::::::\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            passwords.put(login, pw);
            awaitLogin(login);
            return login;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create user " + login, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The passwd-file line of a user, as Dovecot reads it (to check what is stored). */
    public String passwdEntry(String user) {
        try {
            for (String line : Files.readAllLines(users)) {
                if (line.startsWith(user + ":")) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void allocateUsers() throws IOException {
        StringBuilder sb = new StringBuilder(USER_BLOCK * 32);
        for (int i = usersAllocated + 1; i <= usersAllocated + USER_BLOCK; i++) {
            sb.append("user").append(i).append(":{PLAIN}pw-user").append(i).append("::::::\n");
        }
        Files.writeString(users, sb, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        usersAllocated += USER_BLOCK;
    }

    private void awaitLogin(String login) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (DovecotFixtureImap imap = DovecotFixtureImap.connect(HOST, port("imap"))) {
                imap.command("LOGIN " + DovecotFixtureImap.quote(login) + " "
                        + DovecotFixtureImap.quote("pw-" + login));
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Dovecot does not accept the new user " + login + logTail(), e);
                }
                sleep(200);
            }
        }
    }

    @Override
    public String password(String user) {
        String p = passwords.get(user);
        if (p == null) {
            throw new IllegalArgumentException("unknown user " + user);
        }
        return p;
    }

    /**
     * The Maildir directory of a user's folder: {@code INBOX} is the Maildir root, any other folder the Maildir++
     * directory {@code .<name>} (with {@code .} as hierarchy separator).
     */
    public Path maildir(String user, String folder) {
        password(user);
        Path root = dir.resolve("home").resolve(user).resolve("Maildir");
        if ("INBOX".equalsIgnoreCase(folder)) {
            return root;
        }
        if (folder.isEmpty() || folder.contains("/") || folder.startsWith(".") || folder.endsWith(".")
                || folder.contains("..") || folder.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("unsupported folder name for the Dovecot fixture: '" + folder + "'");
        }
        return root.resolve("." + folder);
    }

    @Override
    public void createFolder(String user, String folder) {
        Path m = maildir(user, folder);
        try {
            makeMaildir(m);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder " + folder, e);
        }
    }

    private void makeMaildir(Path m) throws IOException {
        for (String sub : new String[] {"", "cur", "new", "tmp"}) {
            Path p = sub.isEmpty() ? m : m.resolve(sub);
            if (!Files.isDirectory(p)) {
                Files.createDirectories(p);
            }
            chownOne(p);
        }
    }

    /** Stores one message in {@code cur/} of the folder, with the flags in the file name. */
    @Override
    public void deliver(String user, String folder, byte[] rfc822, Flags flags) {
        Path m = existingMaildir(user, folder);
        String info = info(m, flags);
        try {
            write(m, rfc822, info);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deliver to " + folder, e);
        }
    }

    /** Stores the messages in order (they get increasing UIDs in this order), without flags. */
    public void deliverMany(String user, String folder, List<byte[]> messages) {
        deliverMany(user, folder, messages, Flags.NONE);
    }

    /** Stores the messages in order (they get increasing UIDs in this order), each with the same flags. */
    public void deliverMany(String user, String folder, List<byte[]> messages, Flags flags) {
        Path m = existingMaildir(user, folder);
        String info = info(m, flags);
        try {
            for (byte[] msg : messages) {
                write(m, msg, info);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot deliver to " + folder, e);
        }
    }

    private Path existingMaildir(String user, String folder) {
        Path m = maildir(user, folder);
        if (!Files.isDirectory(m.resolve("cur"))) {
            throw new IllegalArgumentException("no folder " + folder + " for " + user);
        }
        return m;
    }

    private void write(Path maildir, byte[] rfc822, String info) throws IOException {
        long micros = lastMicros.updateAndGet(last -> {
            Instant now = Instant.now();
            long m = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            return Math.max(m, last + 1);
        });
        String base = (micros / 1_000_000L) + ".M" + (micros % 1_000_000L) + "P" + PID + "Q"
                + deliveries.incrementAndGet() + "." + MAILDIR_HOST;
        Path tmp = maildir.resolve("tmp").resolve(base);
        Files.write(tmp, rfc822);
        Path target = maildir.resolve("cur").resolve(base + ",S=" + rfc822.length + ":2," + info);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target);
        }
    }

    /** The Maildir info letters for the flags, sorted as Maildir requires (system flags, then keyword letters). */
    private String info(Path maildir, Flags flags) {
        StringBuilder sb = new StringBuilder();
        for (Flag f : flags.system()) {
            sb.append(f.maildirLetter());
        }
        if (!flags.keywords().isEmpty()) {
            sb.append(keywordLetters(maildir, flags));
        }
        char[] c = sb.toString().toCharArray();
        Arrays.sort(c);
        return new String(c);
    }

    /** Maps keywords to letters a-z through the folder's {@code dovecot-keywords} file, adding missing ones. */
    private synchronized String keywordLetters(Path maildir, Flags flags) {
        Path file = maildir.resolve("dovecot-keywords");
        try {
            Map<String, Integer> known = new LinkedHashMap<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    int sp = line.indexOf(' ');
                    if (sp > 0) {
                        known.put(line.substring(sp + 1), Integer.parseInt(line.substring(0, sp)));
                    }
                }
            }
            boolean changed = false;
            StringBuilder letters = new StringBuilder();
            for (String k : flags.keywords()) {
                Integer idx = known.get(k);
                if (idx == null) {
                    idx = known.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
                    if (idx >= 26) {
                        throw new IllegalArgumentException("more than 26 keywords in " + maildir);
                    }
                    known.put(k, idx);
                    changed = true;
                }
                letters.append((char) ('a' + idx));
            }
            if (changed) {
                StringBuilder text = new StringBuilder();
                known.forEach((k, i) -> text.append(i).append(' ').append(k).append('\n'));
                Path tmp = maildir.resolve("tmp").resolve("dovecot-keywords." + System.nanoTime());
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                chownOne(tmp);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return letters.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }

    /** Dovecot's view of the folder: every message's raw bytes in UID order, read over IMAP as the user. */
    @Override
    public List<byte[]> messages(String user, String folder) {
        try (DovecotFixtureImap imap = DovecotFixtureImap.login(HOST, port("imap"), user, password(user))) {
            return imap.fetchAll(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder + " of " + user + " from Dovecot" + logTail(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void chownTo(Path p) throws IOException {
        if (!chown || !Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk::iterator) {
                chownOne(q);
            }
        }
    }

    private void chownOne(Path p) throws IOException {
        if (chown) {
            Files.setAttribute(p, "unix:uid", mailUid);
            Files.setAttribute(p, "unix:gid", mailGid);
        }
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name")) ? 0 : -1;
        }
    }

    private static int currentGid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String currentUserName() {
        return System.getProperty("user.name");
    }

    private static boolean systemUserExists(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                if (line.startsWith(name + ":")) {
                    return true;
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
