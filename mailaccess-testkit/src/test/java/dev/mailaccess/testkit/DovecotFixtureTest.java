package dev.mailaccess.testkit;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import javax.net.ssl.SSLHandshakeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DovecotFixtureTest {
    private DovecotFixture dovecot;

    @BeforeAll
    void start() {
        long t0 = System.nanoTime();
        dovecot = DovecotFixture.startOrSkip();
        System.out.printf("Dovecot fixture started in %d ms: %s%n", (System.nanoTime() - t0) / 1_000_000, dovecot);
    }

    @AfterAll
    void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static byte[] message(int n) {
        return ("From: sender@example.test\r\nTo: rcpt@example.test\r\nSubject: message " + n
                + "\r\nMessage-ID: <m" + n + "@example.test>\r\nDate: Fri, 15 Mar 2024 10:15:30 +0000\r\n\r\nbody "
                + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private Store imapStore(String user) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.imap.connectiontimeout", "5000");
        p.setProperty("mail.imap.timeout", "30000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect(dovecot.host(), dovecot.port("imap"), user, dovecot.password(user));
        return store;
    }

    @Test
    void everyPortGreetsAndTlsPortsPresentTheCaSignedCertificateForTheHost() throws IOException {
        assertThat(dovecot.greeting(dovecot.port("imap"), false, false)).startsWith("* OK");
        assertThat(dovecot.greeting(dovecot.port("pop3"), false, false)).startsWith("+OK");
        assertThat(dovecot.greeting(dovecot.tlsPort("imaps"), true, true)).startsWith("* OK");
        assertThat(dovecot.greeting(dovecot.tlsPort("pop3s"), true, true)).startsWith("+OK");
        assertThat(Files.readString(dovecot.caPemFile())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(dovecot.caCertificate().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(dovecot.host()).isEqualTo("127.0.0.1");
    }

    @Test
    void capabilitiesAfterLogin() throws IOException {
        String user = dovecot.newUser();
        try (DovecotFixtureImap imap = DovecotFixtureImap.connect(dovecot.host(), dovecot.port("imap"))) {
            String before = capability(imap);
            assertThat(before).contains("STARTTLS").doesNotContain("CONDSTORE");
            imap.command("LOGIN " + user + " " + DovecotFixtureImap.quote(dovecot.password(user)));
            String after = capability(imap);
            System.out.println("IMAP CAPABILITY before login: " + before);
            System.out.println("IMAP CAPABILITY after login:  " + after);
            assertThat(after).contains("CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "ESEARCH");
        }
        List<String> capa = pop3(user, "CAPA");
        System.out.println("POP3 CAPA before login: " + capa.get(0));
        System.out.println("POP3 CAPA after login:  " + capa.get(1));
        assertThat(capa.get(0)).contains("STLS", "UIDL", "TOP");
    }

    private static String capability(DovecotFixtureImap imap) throws IOException {
        return imap.command("CAPABILITY").stream().map(DovecotFixtureImap.Response::text)
                .filter(t -> t.startsWith("* CAPABILITY")).findFirst().orElseThrow().substring(2);
    }

    /** CAPA before and after USER/PASS, each as one space-joined line. */
    private List<String> pop3(String user, String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(dovecot.host(), dovecot.port("pop3")), 5000);
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("+OK");
            List<String> result = new ArrayList<>();
            result.add(multiline(in, out, command));
            send(out, "USER " + user);
            assertThat(in.readLine()).startsWith("+OK");
            send(out, "PASS " + dovecot.password(user));
            assertThat(in.readLine()).startsWith("+OK");
            result.add(multiline(in, out, command));
            send(out, "QUIT");
            return result;
        }
    }

    private static String multiline(BufferedReader in, OutputStream out, String command) throws IOException {
        send(out, command);
        assertThat(in.readLine()).startsWith("+OK");
        List<String> lines = new ArrayList<>();
        for (String l = in.readLine(); l != null && !l.equals("."); l = in.readLine()) {
            lines.add(l);
        }
        return String.join(" ", lines);
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Test
    void angusLogsInAndSeesTenThousandSeededMessages() throws Exception {
        String user = dovecot.newUser();
        List<byte[]> batch = new ArrayList<>(10_000);
        for (int i = 1; i <= 10_000; i++) {
            batch.add(message(i));
        }
        long t0 = System.nanoTime();
        dovecot.deliverMany(user, "INBOX", batch);
        long seedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("Seeded 10,000 messages into the Dovecot Maildir in " + seedMs + " ms");

        long t1 = System.nanoTime();
        Store store = imapStore(user);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(10_000);
            Message last = inbox.getMessage(10_000);
            assertThat(last.getSubject()).isEqualTo("message 10000");
            assertThat(inbox.getMessage(1).getSubject()).isEqualTo("message 1");
            inbox.close(false);
        } finally {
            store.close();
        }
        System.out.println("Dovecot indexed and listed 10,000 messages in "
                + (System.nanoTime() - t1) / 1_000_000 + " ms");
        assertThat(seedMs).as("seeding 10,000 messages should take about a second").isLessThan(10_000);
    }

    @Test
    void angusConnectsOverImapsAndStartTlsWithHostNameChecksTrustingOnlyTheTestCa() throws Exception {
        String user = dovecot.newUser();
        dovecot.deliver(user, "INBOX", message(1), Flags.NONE);
        for (String protocol : List.of("imaps", "imap")) {
            Properties p = new Properties();
            String prefix = "mail." + protocol + ".";
            p.put(prefix + "ssl.socketFactory", TestCertificateAuthority.shared().clientContext().getSocketFactory());
            p.setProperty(prefix + "ssl.checkserveridentity", "true");
            p.setProperty(prefix + "connectiontimeout", "5000");
            p.setProperty(prefix + "timeout", "10000");
            if (protocol.equals("imap")) {
                p.setProperty(prefix + "starttls.enable", "true");
                p.setProperty(prefix + "starttls.required", "true");
            }
            int port = protocol.equals("imaps") ? dovecot.tlsPort("imap") : dovecot.port("imap");
            Store store = Session.getInstance(p).getStore(protocol);
            store.connect(dovecot.host(), port, user, dovecot.password(user));
            try {
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                assertThat(inbox.getMessageCount()).as(protocol).isEqualTo(1);
                inbox.close(false);
            } finally {
                store.close();
            }
        }
    }

    @Test
    void messagesAreReturnedInUidOrderByteForByte() {
        String user = dovecot.newUser();
        assertThat(dovecot.messages(user, "INBOX")).isEmpty();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            sent.add(message(i));
            dovecot.deliver(user, "INBOX", message(i), Flags.NONE);
        }
        List<byte[]> got = dovecot.messages(user, "INBOX");
        assertThat(got).hasSize(25);
        for (int i = 0; i < 25; i++) {
            assertThat(new String(got.get(i), StandardCharsets.US_ASCII))
                    .isEqualTo(new String(sent.get(i), StandardCharsets.US_ASCII));
        }
        dovecot.deliver(user, "INBOX", message(99), Flags.NONE);
        assertThat(dovecot.messages(user, "INBOX")).hasSize(26).last()
                .satisfies(b -> assertThat(new String(b, StandardCharsets.US_ASCII)).contains("message 99"));
    }

    @Test
    void createdFoldersAreListedOverImap() throws Exception {
        String user = dovecot.newUser();
        dovecot.createFolder(user, "Archive");
        dovecot.createFolder(user, "Archive.2024");
        dovecot.deliver(user, "Archive.2024", message(1), Flags.NONE);
        Store store = imapStore(user);
        try {
            List<String> names = Arrays.stream(store.getDefaultFolder().list("*"))
                    .map(Folder::getFullName).collect(Collectors.toList());
            assertThat(names).contains("INBOX", "Archive", "Archive.2024");
            assertThat(store.getDefaultFolder().getSeparator()).isEqualTo('.');
            Folder f = store.getFolder("Archive.2024");
            f.open(Folder.READ_ONLY);
            assertThat(f.getMessageCount()).isEqualTo(1);
            f.close(false);
        } finally {
            store.close();
        }
        assertThat(dovecot.messages(user, "Archive.2024")).hasSize(1);
        assertThatThrownBy(() -> dovecot.deliver(user, "Missing", message(1), Flags.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void flagsAndKeywordsInFileNamesShowUpAsImapFlags() throws Exception {
        String user = dovecot.newUser();
        dovecot.deliver(user, "INBOX", message(1), Flags.NONE);
        dovecot.deliver(user, "INBOX", message(2), Flags.of(Flag.SEEN, Flag.FLAGGED));
        dovecot.deliver(user, "INBOX", message(3), Flags.of(Flag.values()));
        dovecot.deliver(user, "INBOX", message(4), new Flags(java.util.Set.of(Flag.ANSWERED),
                java.util.Set.of("$Important", "project-x")));
        Store store = imapStore(user);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            jakarta.mail.Flags f1 = inbox.getMessage(1).getFlags();
            jakarta.mail.Flags f2 = inbox.getMessage(2).getFlags();
            jakarta.mail.Flags f3 = inbox.getMessage(3).getFlags();
            jakarta.mail.Flags f4 = inbox.getMessage(4).getFlags();
            assertThat(f1.contains(jakarta.mail.Flags.Flag.SEEN)).isFalse();
            assertThat(f2.contains(jakarta.mail.Flags.Flag.SEEN)).isTrue();
            assertThat(f2.contains(jakarta.mail.Flags.Flag.FLAGGED)).isTrue();
            assertThat(f2.contains(jakarta.mail.Flags.Flag.ANSWERED)).isFalse();
            for (jakarta.mail.Flags.Flag f : List.of(jakarta.mail.Flags.Flag.SEEN, jakarta.mail.Flags.Flag.ANSWERED,
                    jakarta.mail.Flags.Flag.FLAGGED, jakarta.mail.Flags.Flag.DELETED, jakarta.mail.Flags.Flag.DRAFT)) {
                assertThat(f3.contains(f)).as("%s", f).isTrue();
            }
            assertThat(f4.contains(jakarta.mail.Flags.Flag.ANSWERED)).isTrue();
            assertThat(f4.getUserFlags()).containsExactlyInAnyOrder("$Important", "project-x");
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void wrongHostCertificateFailsHostNameVerificationButChainsToTheCa() throws IOException {
        try (DovecotFixture wrong = DovecotFixture.start(DovecotFixture.Options.defaults().wrongHostCertificate())) {
            int port = wrong.tlsPort("imap");
            assertThat(wrong.greeting(port, true, false)).startsWith("* OK");
            assertThatThrownBy(() -> wrong.greeting(port, true, true))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void withoutTlsNoStartTlsIsOfferedAndNoTlsPortsExist() throws IOException {
        DovecotFixture plain = DovecotFixture.start(DovecotFixture.Options.defaults().tls(false));
        long pid = plain.pid();
        try {
            assertThat(plain.greeting(plain.port("imap"), false, false)).startsWith("* OK").doesNotContain("STARTTLS");
            assertThat(plain.greeting(plain.port("pop3"), false, false)).startsWith("+OK");
            assertThatThrownBy(() -> plain.tlsPort("imap")).isInstanceOf(IllegalStateException.class);
            String user = plain.newUser();
            plain.deliver(user, "INBOX", message(1), Flags.NONE);
            assertThat(plain.messages(user, "INBOX")).hasSize(1);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(plain.host(), plain.port("pop3")), 5000);
                s.setSoTimeout(5000);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                assertThat(in.readLine()).startsWith("+OK");
                assertThat(multiline(in, s.getOutputStream(), "CAPA")).doesNotContain("STLS");
            }
        } finally {
            plain.close();
        }
        assertThat(DovecotFixture.isProcessRunning(pid)).isFalse();
    }

    @Test
    void closeLeavesNoProcessAndNoDirectory() throws IOException {
        DovecotFixture f = DovecotFixture.start(DovecotFixture.Options.defaults().tls(false));
        long pid = f.pid();
        Path dir = f.directory();
        ProcessHandle master = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = master.descendants().toList();
        assertThat(children).isNotEmpty();
        assertThat(f.isRunning()).isTrue();
        // the first block of users is in the passwd-file from the start; the next one is appended on demand
        String user = null;
        for (int i = 0; i < 1001; i++) {
            user = f.newUser();
        }
        assertThat(user).isEqualTo("user1001");
        f.deliver(user, "INBOX", message(1), Flags.NONE);
        assertThat(f.messages(user, "INBOX")).hasSize(1);
        long t0 = System.nanoTime();
        f.close();
        System.out.println("close() took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(DovecotFixture.isProcessRunning(master.pid())).isFalse();
        assertThat(children).noneMatch(c -> DovecotFixture.isProcessRunning(c.pid()));
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(dir.toString())))
                .isEmpty();
        assertThat(dir).doesNotExist();
        assertThat(f.isRunning()).isFalse();
        f.close(); // idempotent
    }

    @Test
    void missingDovecotSkipsLocallyAndFailsInCi() {
        Path missing = Path.of("/nonexistent/sbin/dovecot");
        assertThatThrownBy(() -> DovecotFixture.assumeAvailable(missing, null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install dovecot-imapd dovecot-pop3d");
        assertThatThrownBy(() -> DovecotFixture.assumeAvailable(missing, "true"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("Dovecot not installed");
    }
}
