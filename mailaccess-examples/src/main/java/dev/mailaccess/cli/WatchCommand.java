package dev.mailaccess.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Watch;
import dev.mailaccess.WatchEvent;
import dev.mailaccess.WatchListener;
import dev.mailaccess.WatchOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code watch URL [--folder F ...] [--json]}: one line (or JSON object) per new, expunged or flag-changed message,
 * until interrupted; exit code 4 once the reconnect attempts are spent.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Report new, expunged and flag-changed messages as they happen, until interrupted.",
                "WATCH is native where the IMAP server has NOTIFY and IDLE; elsewhere emulated (IMAP: IDLE on the "
                        + "first folder, the others checked at the interval; POP3: the UIDL list compared at the "
                        + "interval), which needs --emulate."})
public final class WatchCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Option(names = "--folder", paramLabel = "F", description = "A folder to watch; repeat for several "
            + "(default: INBOX; POP3 has only INBOX).")
    private List<String> folders = new ArrayList<>();

    @Option(names = "--json", description = "One JSON object per event: event (new, expunged, flags), folder, ref, "
            + "flags (null for expunged and over POP3).")
    private boolean json;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "How often the folders that are not pushed are checked (default: ${DEFAULT-VALUE}).")
    private double intervalSeconds;

    @Option(names = "--reconnect-attempts", paramLabel = "N", defaultValue = "5",
            description = "Reconnects tried before giving up with exit code 4 (default: ${DEFAULT-VALUE}).")
    private int reconnectAttempts;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N events (default: never).")
    private Integer count;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        if (intervalSeconds <= 0 || reconnectAttempts < 0 || (count != null && count <= 0)) {
            throw new UsageException("--interval and --count must be positive, --reconnect-attempts not negative");
        }
        CliContext ctx = top.context();
        List<String> watched = folders.isEmpty() ? List.of("INBOX") : List.copyOf(folders);
        WatchOptions options = new WatchOptions(Duration.ofMillis(Math.max(1, (long) (intervalSeconds * 1000))),
                reconnectAttempts, Duration.ofSeconds(1));
        AtomicReference<MailAccessException> failure = new AtomicReference<>();
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(1);
        WatchListener listener = new WatchListener() {
            @Override
            public void onEvent(WatchEvent e) {
                if (count != null && seen.get() >= count) {
                    return;
                }
                ctx.out().println(json ? JsonLines.of(g -> write(e, g)) : text(e));
                ctx.out().flush(); // a line as it happens, also into a pipe
                if (count != null && seen.incrementAndGet() >= count) {
                    enough.countDown();
                }
            }

            @Override
            public void onReconnecting(int attempt, MailAccessException cause) {
                ctx.err().println("mailaccess: connection lost (" + cause.getMessage() + "); reconnect attempt "
                        + attempt + " of " + reconnectAttempts);
            }

            @Override
            public void onFailure(MailAccessException cause) {
                failure.set(cause);
                enough.countDown();
            }
        };
        try (Mailbox mb = connection.connect(url, ctx);
             Watch watch = mb.watch(watched, listener, options)) {
            CapabilityInfo info = mb.capabilities().info(Capability.WATCH);
            ctx.err().println("mailaccess: watching " + String.join(", ", watched) + " (WATCH is " + info.support()
                    + ": " + info.reason() + ")");
            ctx.err().flush();
            try {
                enough.await(); // until the count is reached, the watch fails, or the process is interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() != null) {
            throw failure.get(); // a connection failure: exit code 4
        }
    }

    private static String text(WatchEvent e) {
        return String.format("%-8s %s %s %s", e.kind().name().toLowerCase(Locale.ROOT), e.folder(), e.ref(),
                e.flags() == null ? "" : String.join(",", FlagNames.of(e.flags()))).stripTrailing();
    }

    private static void write(WatchEvent e, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("event", e.kind().name().toLowerCase(Locale.ROOT));
        g.writeStringField("folder", e.folder());
        g.writeStringField("ref", e.ref().toString());
        if (e.flags() == null) {
            g.writeNullField("flags");
        } else {
            g.writeArrayFieldStart("flags");
            for (String flag : FlagNames.of(e.flags())) {
                g.writeString(flag);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
