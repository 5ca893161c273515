package dev.mailaccess.bench;

import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ProgressListener;
import dev.mailaccess.TlsMode;
import dev.mailaccess.offline.OfflineFetch;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scenario 7's child JVM: streams one big message to disk in one of four ways, then prints one line
 * {@code RESULT bytes=... seconds=... peakHeap=...} (peak heap = the sum of the heap pools' peaks during the
 * operation, an upper bound of the real peak). Arguments: mode host port user out-path; the password comes from
 * the environment variable {@code BENCH_PASSWORD}.
 * <ul>
 *   <li>{@code imap-floor}: raw socket, UID FETCH 1 BODY.PEEK[] to the file</li>
 *   <li>{@code imap-show}: the CLI, {@code show imap://user@host:port 1 --tls none}, stdout to the file</li>
 *   <li>{@code pop-floor}: raw socket, RETR 1 to tmp/, fsync, rename into new/</li>
 *   <li>{@code pop-offline}: {@link OfflineFetch} with fsync and Keep into the Maildir at the path</li>
 * </ul>
 */
public final class MemoryChild {
    private MemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String user = args[3];
        Path out = Path.of(args[4]);
        String password = System.getenv("BENCH_PASSWORD");
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
        long t0 = System.nanoTime();
        Transfer transfer = new Transfer();
        long bytes;
        switch (mode) {
            case "imap-floor" -> {
                try (RawImap imap = new RawImap(host, port);
                     OutputStream o = new BufferedOutputStream(transfer.watch(new FileOutputStream(out.toFile())),
                             64 * 1024)) {
                    imap.login(user, password);
                    imap.select("INBOX", true);
                    bytes = imap.fetchBody(1, o);
                }
            }
            case "imap-show" -> {
                PrintStream o = new PrintStream(new BufferedOutputStream(transfer.watch(
                        new FileOutputStream(out.toFile())), 64 * 1024), false, StandardCharsets.UTF_8);
                int rc = dev.mailaccess.cli.Main.run(new String[] {"show", "imap://" + user + "@" + host + ":" + port,
                        "1", "--tls", "none"}, o, System.err, Map.of("MAILACCESS_PASSWORD", password));
                o.close();
                if (rc != 0) {
                    throw new IllegalStateException("show exited with " + rc);
                }
                bytes = Files.size(out);
            }
            case "pop-floor" -> {
                Files.createDirectories(out.resolve("tmp"));
                Files.createDirectories(out.resolve("new"));
                Path tmp = out.resolve("tmp/big");
                try (RawPop3 pop = new RawPop3(host, port)) {
                    pop.login(user, password);
                    try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                         BufferedOutputStream o = new BufferedOutputStream(transfer.watch(fos), 64 * 1024)) {
                        bytes = pop.retrieve(1, o);
                        o.flush();
                        fos.getFD().sync();
                    }
                }
                Files.move(tmp, out.resolve("new/big"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                try (FileChannel ch = FileChannel.open(out.resolve("new"), StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
            case "pop-offline" -> {
                MailboxConfig config = MailboxConfig.builder().protocol("pop3").host(host).port(port).user(user)
                        .password(password).tlsMode(TlsMode.NONE).build();
                OfflineFetch.Result r = OfflineFetch.builder(config, out)
                        .retention(new OfflineFetch.Retention.Keep()).fsync(true).listener(new ProgressListener() {
                            @Override
                            public void started(String folder, int messages, long total) {
                                transfer.started();
                            }
                        }).build().run();
                if (r.downloaded() != 1) {
                    throw new IllegalStateException("offline fetch stored " + r.downloaded() + " messages");
                }
                try (Stream<Path> s = Files.list(out.resolve("new"))) {
                    bytes = Files.size(s.findFirst().orElseThrow());
                }
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        transfer.ended();
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.println("RESULT bytes=" + bytes + " seconds=" + seconds + " peakHeap=" + peak + " maxHeap="
                + Runtime.getRuntime().maxMemory() + " transferSeconds=" + transfer.seconds());
        System.out.flush();
        System.exit(0);
    }

    /**
     * The transfer phase of a run, without the start-up before it (connecting, logging in, a cold JVM loading the
     * tool): from the first byte of the message written (or the download started) to the end.
     */
    private static final class Transfer {
        private long first = -1;
        private long end = -1;

        void started() {
            if (first < 0) {
                first = System.nanoTime();
            }
        }

        void ended() {
            end = System.nanoTime();
        }

        double seconds() {
            return first < 0 || end < 0 ? -1 : (end - first) / 1e9;
        }

        OutputStream watch(OutputStream out) {
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws java.io.IOException {
                    if (len > 0) {
                        started();
                    }
                    out.write(b, off, len);
                }

                @Override
                public void write(int b) throws java.io.IOException {
                    started();
                    out.write(b);
                }
            };
        }
    }
}
