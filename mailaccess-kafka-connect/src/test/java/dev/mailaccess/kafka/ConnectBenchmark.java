package dev.mailaccess.kafka;

import dev.mailaccess.MailboxConfig;
import dev.mailaccess.offline.OfflineFetch;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark of the issue: 1,000 accounts x 20 messages on Dovecot through one Connect worker (exactly-once, copy
 * mode, the default 4 connections per host and 4 reader threads, IDLE off for a bulk load), against the library's
 * own {@code OfflineFetch} run account after account in one JVM (keep on the server; with fsync, its default, and
 * without). Reports messages per second, peak connections to Dovecot (sampled from {@code /proc/net/tcp}, and the
 * task's own count) and peak heap. Not part of the build's tests (the name does not end in Test): run it with
 * {@code mvn -B -ntp verify -pl mailaccess-kafka-connect -am -Dtest=ConnectBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false} (sizes: {@code -Dbench.accounts=N -Dbench.messages=M}); the table goes to
 * stdout and to {@code mailaccess-kafka-connect/target/connect-benchmark.md}.
 */
class ConnectBenchmark {
    private static final int ACCOUNTS = Integer.getInteger("bench.accounts", 1000);
    private static final int MESSAGES = Integer.getInteger("bench.messages", 20);
    private static final int CAP = 4;

    @TempDir
    static Path dir;

    @Test
    void connectorAgainstOfflineFetchLoop() throws Exception {
        DovecotFixture dovecot = DovecotFixture.startOrSkip(); // its own, not the shared one: a fresh server
        List<String> rows = new ArrayList<>();
        try (dovecot) {
            List<String> users = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            long bytes = 0;
            for (int u = 0; u < ACCOUNTS; u++) {
                String user = dovecot.newUser();
                users.add(user);
                List<byte[]> msgs = new ArrayList<>();
                for (int i = 0; i < MESSAGES; i++) {
                    byte[] m = TestMessages.numbered(u * 100 + i);
                    msgs.add(m);
                    ids.add(TestMessages.messageId(m));
                    bytes += m.length;
                }
                dovecot.deliverMany(user, "INBOX", msgs);
            }
            int total = ACCOUNTS * MESSAGES;
            int port = dovecot.port("imap");
            String size = ACCOUNTS + " accounts x " + MESSAGES + " msgs (" + String.format(Locale.ROOT, "%.1f",
                    bytes / 1e6 / total * 1000) + " kB each)";

            for (boolean fsync : new boolean[] {true, false}) {
                Path base = Files.createDirectories(dir.resolve("offline-" + fsync));
                Sampler s = new Sampler(port);
                long t0 = System.nanoTime();
                int got = 0;
                for (String user : users) {
                    MailboxConfig c = dovecot.config("imap", user).build();
                    got += OfflineFetch.builder(c, base.resolve(user)).retention(new OfflineFetch.Retention.Keep())
                            .fsync(fsync).build().run().downloaded();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                s.stop();
                assertThat(got).isEqualTo(total);
                rows.add(row(size, "OfflineFetch loop, account after account (Keep, fsync " + (fsync ? "on" : "off")
                        + ")", secs, total, s.peakConnections.get(), "", s.peakHeap.get()));
            }

            try (MailConnectCluster cluster = new MailConnectCluster(dir)) {
                Map<String, String> c = cluster.connectorConfig("bench");
                c.put("tasks.max", "1");
                // no schema in every record (a 0.3 kB message would carry 2 kB of schema): as with a schema registry
                c.put("key.converter.schemas.enable", "false");
                c.put("value.converter.schemas.enable", "false");
                List<String> urls = new ArrayList<>();
                for (String user : users) {
                    urls.add("imap://" + user + "@127.0.0.1:" + port);
                    c.put("mail.password." + user + "@127.0.0.1", cluster.secret(user, dovecot.password(user)));
                }
                c.put("mail.accounts", String.join(",", urls));
                c.put("mail.idle.enabled", "false");
                c.put("mail.batch.max.messages", System.getProperty("bench.batch", "500"));
                c.put("mail.max.connections.per.host", String.valueOf(CAP));
                cluster.connect.kafka().createTopic("bench", 1);
                System.gc();
                Sampler s = new Sampler(port);
                long t0 = System.nanoTime();
                cluster.connect.configureConnector("bench", c);
                // timed until the worker has written every record (its own metric), as the loop is timed until
                // every file is written; the records are read back and checked after, untimed
                long firstRecord = 0;
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                long written = 0;
                while (written < total && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                    written = writtenRecords();
                    if (written > 0 && firstRecord == 0) {
                        firstRecord = System.nanoTime();
                    }
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double startup = (firstRecord - t0) / 1e9;
                s.stop();
                List<MailConnectCluster.Message> got = cluster.read("bench", false, l -> l.size() >= total,
                        Duration.ofSeconds(2), Duration.ofMinutes(5));
                int taskPeak = taskPeak();
                assertThat(got).hasSize(total);
                assertThat(got.stream().map(m -> m.value().<String, String>getMap("map").get("messageId"))
                        .distinct().filter(ids::contains).count()).as("every message once").isEqualTo(ids.size());
                rows.add(row(size, "Kafka Connect, 1 worker, 1 task, exactly-once, JSON without schemas (" + CAP
                                + " connections, 4 threads; " + String.format(Locale.ROOT, "%.1f", startup)
                                + " s to the first record)", secs, total, s.peakConnections.get(), String.valueOf(taskPeak),
                        s.peakHeap.get()));
                assertThat(s.peakConnections.get()).as("connections never above the cap").isLessThanOrEqualTo(CAP);
                assertThat(taskPeak).isLessThanOrEqualTo(CAP);
            }
        }
        StringBuilder table = new StringBuilder("Connect benchmark " + Instant.now() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, heap max "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB, Dovecot on loopback\n\n"
                + "| size | tool | seconds | msgs/s | ms per msg | peak connections (sampled) | peak (task's count) "
                + "| peak heap MiB |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
        rows.forEach(r -> table.append(r).append('\n'));
        table.append("\nThe Connect row runs the broker and the worker in this JVM, on the same cores as Dovecot: its "
                + "heap and CPU include them; its time runs from creating the connector (task start included) until the "
                + "worker has written the last record; then every record is read back (read_committed) and "
                + "checked, untimed.\n");
        System.out.println(table);
        Files.writeString(Path.of("target", "connect-benchmark.md"), table);
    }

    private static String row(String size, String tool, double secs, int n, int peak, String taskPeak, long heap) {
        return String.format(Locale.ROOT, "| %s | %s | %.1f | %.0f | %.2f | %d | %s | %d |", size, tool, secs,
                n / secs, secs * 1000 / n, peak, taskPeak, heap / (1 << 20));
    }

    /** Records the worker wrote to Kafka for the benchmark's connector (Connect's source-task metric). */
    private static long writtenRecords() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long n = 0;
        for (ObjectName o : server.queryNames(new ObjectName(
                "kafka.connect:type=source-task-metrics,connector=bench,*"), null)) {
            n += ((Number) server.getAttribute(o, "source-record-write-total")).longValue();
        }
        return n;
    }

    /** The task's own peak connection count, over JMX. */
    private static int taskPeak() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        int peak = -1;
        for (ObjectName n : server.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            try {
                peak = Math.max(peak, ((Number) server.getAttribute(n, "connections-peak")).intValue());
            } catch (javax.management.AttributeNotFoundException e) {
                // another plugin's metrics
            }
        }
        return peak;
    }

    /**
     * Samples, every 5 ms, the established connections to the server's port (from /proc/net/tcp, so whoever opened
     * them) and the heap in use.
     */
    private static final class Sampler {
        final AtomicInteger peakConnections = new AtomicInteger();
        final AtomicLong peakHeap = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Sampler(int port) {
            String remote = String.format(Locale.ROOT, ":%04X", port);
            thread = new Thread(() -> {
                while (!stop.get()) {
                    int n;
                    try {
                        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("/proc/net/tcp")));
                        if (Files.exists(Path.of("/proc/net/tcp6"))) {
                            lines.addAll(Files.readAllLines(Path.of("/proc/net/tcp6"))); // Java's dual-stack sockets
                        }
                        // the client side of each connection to the port (rem_address ends with it, state 01 =
                        // ESTABLISHED), by its own address: the file is read in pieces, not as one snapshot, and
                        // may list a socket twice
                        Set<String> clients = new HashSet<>();
                        for (String line : lines) {
                            String[] f = line.trim().split("\\s+");
                            if (f.length > 3 && f[2].endsWith(remote) && f[3].equals("01")) {
                                clients.add(f[1]);
                            }
                        }
                        n = clients.size();
                    } catch (java.io.IOException e) {
                        n = -1;
                    }
                    peakConnections.accumulateAndGet(n, Math::max);
                    Runtime r = Runtime.getRuntime();
                    peakHeap.accumulateAndGet(r.totalMemory() - r.freeMemory(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }
}
