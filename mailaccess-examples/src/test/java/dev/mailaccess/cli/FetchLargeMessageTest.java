package dev.mailaccess.cli;

import dev.mailaccess.testkit.DovecotFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large messages stream to disk: a 100 MB message, seeded straight into a real Dovecot's Maildir, is fetched by the
 * tool in a child JVM limited to {@code -Xmx64m}, over IMAP and over POP3, and written to stdout by {@code show} over
 * IMAP; each copy has the original's SHA-256. The size in MB is the system property {@code mailaccess.largeMb}
 * (default 100).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FetchLargeMessageTest {
    private static final String HEAP = "-Xmx64m";
    private static DovecotFixture server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = DovecotFixture.startOrSkip();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A message of about {@code bytes} bytes written straight into the user's INBOX; returns its SHA-256. */
    private static String seedLarge(String user, long bytes) throws IOException {
        Path cur = server.maildir(user, "INBOX").resolve("cur");
        Path tmpFile = server.maildir(user, "INBOX").resolve("tmp").resolve("large." + System.nanoTime());
        MessageDigest sha = sha256();
        long size;
        try (OutputStream file = Files.newOutputStream(tmpFile);
             DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), sha)) {
            String headers = "From: Big <big@example.test>\r\n"
                    + "To: bob@example.test\r\n"
                    + "Subject: Large message " + bytes + " bytes\r\n"
                    + "Date: Fri, 15 Mar 2024 10:15:30 +0000\r\n"
                    + "Message-ID: <large-" + System.nanoTime() + "@mailaccess.test>\r\n"
                    + "MIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain; charset=US-ASCII\r\n"
                    + "Content-Transfer-Encoding: 7bit\r\n"
                    + "\r\n";
            out.write(headers.getBytes(StandardCharsets.US_ASCII));
            size = headers.length();
            // lines of a 9-digit line number and 64 pseudo-random printable characters: every line differs
            byte[] pool = new byte[4099];
            Random r = new Random(42);
            for (int i = 0; i < pool.length; i++) {
                pool[i] = (byte) ('!' + r.nextInt(94));
            }
            byte[] line = new byte[76];
            line[9] = ' ';
            line[74] = '\r';
            line[75] = '\n';
            for (long n = 0; size < bytes; n++) {
                long v = n;
                for (int d = 8; d >= 0; d--) {
                    line[d] = (byte) ('0' + v % 10);
                    v /= 10;
                }
                int offset = (int) ((n * 131) % (pool.length - 64));
                System.arraycopy(pool, offset, line, 10, 64);
                out.write(line);
                size += line.length;
            }
        }
        String base = (System.currentTimeMillis() / 1000) + ".M1P" + ProcessHandle.current().pid() + "Q1.large";
        Files.move(tmpFile, cur.resolve(base + ",S=" + size + ":2,"));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static List<Path> stored(Path md) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : new String[] {"new", "cur"}) {
            try (Stream<Path> s = Files.list(md.resolve(sub))) {
                s.forEach(files::add);
            }
        }
        return files;
    }

    /** Runs the tool in a child JVM with a 64 MB heap; returns a line for the report. */
    private String child(String name, List<String> args, Path stdout, long bytes) throws Exception {
        Path err = tmp.resolve(name + ".err");
        Path gc = tmp.resolve(name + ".gc.log");
        long t0 = System.nanoTime();
        Process p = ChildCli.builder(List.of(HEAP, "-Xlog:gc:file=" + gc), args, stdout, err, tmp).start();
        int exit = ChildCli.await(p, 240);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(exit).as(name + ": " + Files.readString(err)).isZero();
        return String.format(Locale.ROOT, "%-10s %.1f s (%.0f MB/s incl. JVM start), peak heap before GC %d MB",
                name, seconds, bytes / 1048576.0 / seconds, ChildCli.peakHeapMb(gc));
    }

    @Test
    void aHundredMegabyteMessageStreamsToDiskInASixtyFourMegabyteHeap() throws Exception {
        long bytes = Long.getLong("mailaccess.largeMb", 100L) * 1024 * 1024;
        String user = server.newUser();
        Path pw = tmp.resolve("password");
        Files.writeString(pw, server.password(user) + "\n", StandardCharsets.UTF_8);
        String original = seedLarge(user, bytes);
        String imapUrl = "imap://" + user + "@127.0.0.1:" + server.port("imap");
        String pop3Url = "pop3://" + user + "@127.0.0.1:" + server.port("pop3");
        List<String> common = List.of("--tls=none", "--password-file", pw.toString());
        StringBuilder report = new StringBuilder();

        // online: show over IMAP to a file (read-only, the message stays)
        Path shown = tmp.resolve("shown.eml");
        List<String> show = new ArrayList<>(List.of("show", imapUrl, "1"));
        show.addAll(common);
        report.append(child("imap show", show, shown, bytes)).append('\n');
        assertThat(sha256(shown)).as("show over IMAP").isEqualTo(original);
        Files.delete(shown);

        // offline over IMAP, keeping the message on the server
        Path imapMd = tmp.resolve("imap-maildir");
        List<String> imapFetch = new ArrayList<>(List.of("fetch", imapUrl, "--maildir", imapMd.toString(), "--keep",
                "--progress=none"));
        imapFetch.addAll(common);
        report.append(child("imap fetch", imapFetch, tmp.resolve("imap.out"), bytes)).append('\n');
        assertThat(stored(imapMd)).hasSize(1);
        assertThat(sha256(stored(imapMd).get(0))).as("fetch over IMAP").isEqualTo(original);
        Files.delete(stored(imapMd).get(0));

        // offline over POP3, deleting it on the server
        Path popMd = tmp.resolve("pop3-maildir");
        List<String> popFetch = new ArrayList<>(List.of("fetch", pop3Url, "--maildir", popMd.toString(),
                "--progress=none"));
        popFetch.addAll(common);
        report.append(child("pop3 fetch", popFetch, tmp.resolve("pop3.out"), bytes)).append('\n');
        assertThat(stored(popMd)).hasSize(1);
        assertThat(sha256(stored(popMd).get(0))).as("fetch over POP3").isEqualTo(original);
        assertThat(Files.readString(tmp.resolve("pop3.out"))).startsWith("1 message, ")
                .contains("1 deleted on server");
        try (Stream<Path> left = Files.list(server.maildir(user, "INBOX").resolve("cur"))) {
            assertThat(left).as("server after the POP3 fetch").isEmpty();
        }
        try (Stream<Path> spools = Files.list(tmp)) {
            assertThat(spools.map(p -> p.getFileName().toString())).as("no spool file left behind")
                    .noneMatch(n -> n.startsWith("mailaccess-pop-"));
        }
        System.out.println("FetchLargeMessageTest: " + bytes + " bytes in " + HEAP + "\n" + report);
    }
}
