package dev.mailaccess.bench;

import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 1's listing with COMPRESS=DEFLATE (RFC 4978) off and on: the bytes the server sent (counted by the
 * proxy) and the time. Runs against a Dovecot of its own with the {@code imap_zlib} plugin, so that every other
 * scenario keeps an uncompressed server (the floors and the peer tools do not compress).
 */
final class CompressionScenario {
    static final String SCENARIO = "1 list summaries, wire bytes";
    /** The target: compressed bytes at most this share of the uncompressed. */
    static final double TARGET = 0.35;

    private final Bench b;

    CompressionScenario(Bench b) {
        this.b = b;
    }

    void run() throws Exception {
        Settings s = b.settings;
        try (DovecotFixture zlib = DovecotFixture.start(DovecotFixture.Options.defaults().tls(false)
                .compression(true))) {
            String user = zlib.newUser();
            long t0 = System.nanoTime();
            zlib.deliverMany(user, "INBOX", BenchmarkMain.numbered(s.listSize()));
            b.log(Bench.fmt("seeded %d messages on the imap_zlib Dovecot in %.1f s", s.listSize(), Measure.since(t0)));
            AtomicLong plainBytes = new AtomicLong();
            AtomicLong deflatedBytes = new AtomicLong();
            Stats plain = measure(zlib, user, false, plainBytes);
            Stats deflated = measure(zlib, user, true, deflatedBytes);
            String size = s.listSize() + " msgs";
            double share = (double) deflatedBytes.get() / plainBytes.get();
            b.report.add(new Row(SCENARIO, size, "mailaccess summaries(LIST), compression off", plain,
                    plain.median(), plain.commandsText(), "", "", "",
                    "the server sent " + bytes(plainBytes.get()) + " per run"));
            b.report.add(new Row(SCENARIO, size, "mailaccess summaries(LIST), COMPRESS=DEFLATE", deflated,
                    plain.median(), "", "",
                    "≤ " + Math.round(TARGET * 100) + "% of the bytes uncompressed", Bench.met(share <= TARGET),
                    Bench.fmt("the server sent %s per run, %.1f%% of the uncompressed %s (× floor here: time "
                            + "against compression off; commands not countable once "
                            + "compressed; the test messages differ only in their numbers, real headers compress less)", bytes(deflatedBytes.get()), 100 * share,
                            bytes(plainBytes.get()))));
        }
    }

    private Stats measure(DovecotFixture zlib, String user, boolean compression, AtomicLong serverBytes)
            throws Exception {
        String what = SCENARIO + (compression ? " deflate" : " plain");
        b.log(what + " on " + b.settings.listSize() + " messages");
        try (LoopbackProxy proxy = new LoopbackProxy(zlib.host(), zlib.port("imap"))) {
            return Measure.repeat(what, b.settings.warmups(), b.settings.runs(), b.settings.listSize(), () -> {
                proxy.resetCounts();
                long t0 = System.nanoTime();
                long n;
                try (Mailbox mb = MailAccess.connect(zlib.config("imap", user).port(proxy.port())
                        .compression(compression).readTimeout(Duration.ofSeconds(120)).build());
                     MailFolder inbox = mb.inbox()) {
                    Support used = mb.capabilities().support(Capability.COMPRESSION);
                    if ((used == Support.NATIVE) != compression) {
                        throw new IllegalStateException("compression " + (compression ? "asked for" : "off")
                                + " but the session says " + used);
                    }
                    n = inbox.summaries(FetchSpec.LIST).size();
                }
                double secs = Measure.since(t0);
                serverBytes.set(proxy.serverBytes());
                return new Sample(secs, proxy.commandCount(), n);
            });
        }
    }

    private static String bytes(long n) {
        return n >= 1 << 20 ? Bench.mib(n) : Bench.fmt("%.1f KiB", n / 1024.0);
    }
}
