package dev.mailaccess.bench;

import dev.mailaccess.AccessMode;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.store.Maildir;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Diagnostics, not part of the table: where the time of the initial disconnected sync (scenario 4) goes. It repeats,
 * step by step and with a clock around each step, what {@code Replica.syncImap} does for each new message of an
 * initial sync (as of this commit), using the same public building blocks:
 * <ol>
 *   <li>network: one {@code MailFolder.openMessage} (UID FETCH BODY.PEEK[]) per message, read whole;</li>
 *   <li>{@code Maildir.find(key)} before each delivery ({@code existingOrDeliver}): lists new/ and cur/;</li>
 *   <li>{@code Maildir.deliver}: tmp/ write, fsync, rename to new/, fsync new/;</li>
 *   <li>{@code ReplicaStore.headers}: the file read back for its Message-ID;</li>
 *   <li>{@code ReplicaStore.placeFile}: rename new/ to cur/ with the flags, fsync cur/;</li>
 *   <li>{@code ReplicaStore.save} every 200 messages: the whole state file rewritten (write, fsync, rename, fsync).</li>
 * </ol>
 * <pre>java -cp ... dev.mailaccess.bench.SyncProfile [messages=10000] [fsync: on|off|both]</pre>
 */
public final class SyncProfile {
    private SyncProfile() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        String mode = args.length > 1 ? args[1] : "both";
        Path work = Files.createTempDirectory("mailaccess-syncprofile-");
        try (DovecotFixture dovecot = DovecotFixture.start(DovecotFixture.Options.defaults().tls(false))) {
            String user = dovecot.newUser();
            long bytes = BenchmarkMain.seedSized(dovecot, user, n, 2_000);
            System.out.printf(Locale.ROOT, "seeded %d messages, %.1f MB%n", n, bytes / 1e6);
            for (boolean fsync : mode.equals("both") ? new boolean[] {true, false}
                    : new boolean[] {mode.equals("on")}) {
                for (int round = 0; round < 2; round++) { // the first is a warm-up
                    Path md = work.resolve("md-" + fsync + "-" + round);
                    profile(dovecot, user, md, fsync, round == 0);
                    Bench.deleteTree(md);
                }
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    private static void profile(DovecotFixture dovecot, String user, Path root, boolean fsync, boolean warmup)
            throws Exception {
        Maildir maildir = Maildir.open(root, fsync);
        Path cur = root.resolve("cur");
        long tConnect;
        long tScan;
        long tFetch = 0;
        long tFind = 0;
        long tDeliver = 0;
        long tHeaders = 0;
        long tPlace = 0;
        long tSave = 0;
        long stateBytes = 0;
        int commands;
        long total0 = System.nanoTime();
        try (LoopbackProxy proxy = new LoopbackProxy(dovecot.host(), dovecot.port("imap"))) {
            long t = System.nanoTime();
            try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).port(proxy.port()).build());
                 MailFolder f = mb.folder("INBOX", AccessMode.READ_WRITE)) {
                tConnect = System.nanoTime() - t;
                t = System.nanoTime();
                List<MessageSummary> all = f.summaries(FetchSpec.of(FetchSpec.Item.FLAGS, FetchSpec.Item.SIZE));
                tScan = System.nanoTime() - t;
                List<String> lines = new ArrayList<>();
                int i = 0;
                ByteArrayOutputStream buf = new ByteArrayOutputStream(4096);
                for (MessageSummary m : all) {
                    String key = "u1_" + m.ref().uid();
                    t = System.nanoTime();
                    buf.reset();
                    try (InputStream in = f.openMessage(m.ref())) {
                        in.transferTo(buf);
                    }
                    long t1 = System.nanoTime();
                    tFetch += t1 - t;
                    Path existing = maildir.find(key);
                    long t2 = System.nanoTime();
                    tFind += t2 - t1;
                    if (existing != null) {
                        throw new IllegalStateException("already there: " + key);
                    }
                    Path p = maildir.deliver(key, new ByteArrayInputStream(buf.toByteArray()));
                    long t3 = System.nanoTime();
                    tDeliver += t3 - t2;
                    String msgId;
                    try (InputStream in = Files.newInputStream(p)) {
                        byte[] head = in.readNBytes(64 * 1024);
                        msgId = new String(head, 0, Math.min(head.length, 200), java.nio.charset.StandardCharsets.ISO_8859_1);
                    }
                    long t4 = System.nanoTime();
                    tHeaders += t4 - t3;
                    Path target = cur.resolve(key + ".mailaccess,S=" + Files.size(p) + ":2,");
                    Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
                    if (fsync) {
                        try (FileChannel ch = FileChannel.open(cur, StandardOpenOption.READ)) {
                            ch.force(true);
                        }
                    }
                    long t5 = System.nanoTime();
                    tPlace += t5 - t4;
                    lines.add("R " + key + " " + m.ref().uid() + " - " + m.size() + " LIVE 001 <" + msgId.hashCode()
                            + "@example.test> - - - -\n");
                    if (++i % 200 == 0) {
                        StringBuilder sb = new StringBuilder("mailaccess-replica-folder 1\n");
                        lines.forEach(sb::append);
                        byte[] state = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        stateBytes += state.length;
                        Maildir.writeAtomically(root.resolve("INBOX.state"), state, fsync);
                        tSave += System.nanoTime() - t5;
                    }
                }
            }
            commands = proxy.commandCount();
        }
        double total = (System.nanoTime() - total0) / 1e9;
        if (warmup) {
            System.out.printf(Locale.ROOT, "fsync %s warm-up: %.1f s%n", fsync ? "on" : "off", total);
            return;
        }
        System.out.printf(Locale.ROOT, "%nfsync %s, %d messages: %.2f s total, %d commands%n",
                fsync ? "on" : "off", Files.list(cur).count(), total, commands);
        row("connect + SELECT", tConnect, total);
        row("FETCH 1:* (FLAGS UID RFC822.SIZE)", tScan, total);
        row("UID FETCH BODY.PEEK[] one per message", tFetch, total);
        row("Maildir.find before each delivery", tFind, total);
        row("Maildir.deliver (tmp, fsync, new, fsync dir)", tDeliver, total);
        row("headers read back", tHeaders, total);
        row("rename to cur/ (+ fsync cur/)", tPlace, total);
        row(Bench.fmt("state save every 200 (%.0f MB written)", stateBytes / 1e6), tSave, total);
    }

    private static void row(String what, long nanos, double total) {
        System.out.printf(Locale.ROOT, "  %-48s %7.2f s  %5.1f %%%n", what, nanos / 1e9, 100 * nanos / 1e9 / total);
    }
}
