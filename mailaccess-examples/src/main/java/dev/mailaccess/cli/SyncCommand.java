package dev.mailaccess.cli;

import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code sync URL --replica DIR}: disconnected mode. Pushes the changes made offline in a local replica, then pulls
 * the server's changes. The first run creates the replica.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Disconnected mode: make a local replica (a Maildir per folder) and the server one again: "
                + "changes made offline go up, the server's changes come down. Read and change the replica "
                + "offline with 'mailaccess replica'.")
public final class SyncCommand implements Runnable {

    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Option(names = "--replica", required = true, paramLabel = "DIR",
            description = "The replica directory; created private to the user if missing.")
    private Path replica;

    @Option(names = "--folder", paramLabel = "F",
            description = "Folder to mirror, repeatable, added to those already mirrored (default on the first "
                    + "run: INBOX).")
    private List<String> folders = new ArrayList<>();

    @Option(names = "--max-size", paramLabel = "BYTES",
            description = "Record larger messages without their body (fetched on demand); 0 downloads all.")
    private Long maxSize;

    @Option(names = "--headers-only",
            description = "Keep only envelopes (subject, sender, date, Message-ID) and flags; bodies are fetched "
                    + "on demand. Same as --max-size 1.")
    private boolean headersOnly;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    private boolean json;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        if (headersOnly) {
            if (maxSize != null) {
                throw new UsageException("--headers-only and --max-size exclude each other");
            }
            maxSize = 1L;
        }
        if (maxSize != null && maxSize < 0) {
            throw new UsageException("--max-size must not be negative: " + maxSize);
        }
        for (String f : folders) {
            if (f.isBlank()) {
                throw new UsageException("--folder must not be empty");
            }
        }
        MailboxConfig config = connection.config(url, ctx);
        // the server's greeting and login overlap with reading the replica's state: both take a while
        CompletableFuture<Mailbox> connecting = CompletableFuture.supplyAsync(() -> MailAccess.connect(config),
                SyncCommand::startDaemon);
        Replica r;
        try {
            r = Replica.open(replica);
        } catch (RuntimeException e) {
            connecting.thenAccept(Mailbox::close);
            throw e;
        }
        try {
            folders.forEach(r::mirror);
            if (r.folders().stream().noneMatch(f -> !r.isLocalOnly(f))) {
                r.mirror("INBOX");
            }
            if (maxSize != null) {
                r.maxMessageSize(maxSize);
            }
            SyncReport report;
            try (Mailbox mb = connected(connecting)) {
                report = r.sync(mb);
            }
            ctx.out().println(json ? json(report) : text(report));
            ctx.out().flush();
        } catch (RuntimeException e) {
            connecting.thenAccept(Mailbox::close); // a no-op where the mailbox was closed or never opened
            throw e;
        } finally {
            r.close();
        }
    }

    private static void startDaemon(Runnable task) {
        Thread t = new Thread(task, "mailaccess-connect");
        t.setDaemon(true);
        t.start();
    }

    /** The connected mailbox, or the connection's own exception as if it had been thrown here. */
    private static Mailbox connected(CompletableFuture<Mailbox> connecting) {
        try {
            return connecting.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private String text(SyncReport s) {
        StringBuilder sb = new StringBuilder();
        sb.append("up: ").append(s.flagsPushed()).append(" flag change(s), ").append(s.expungedOnServer())
                .append(" expunged, ").append(s.appended()).append(" uploaded, ").append(s.moved()).append(" moved\n");
        sb.append("down: ").append(s.downloaded()).append(" new, ").append(s.headersOnly())
                .append(" over the size limit, ").append(s.flagsPulled()).append(" flag change(s), ")
                .append(s.removedLocally()).append(" removed\n");
        if (s.repaired() > 0) {
            sb.append(s.repaired()).append(" re-paired after a UIDVALIDITY change\n");
        }
        for (String n : s.notes()) {
            sb.append("note: ").append(n).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "%.1f s; replica %s", s.elapsed().toNanos() / 1e9, replica));
        return sb.toString();
    }

    private String json(SyncReport s) {
        return JsonLines.of(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("up");
            g.writeNumberField("flags", s.flagsPushed());
            g.writeNumberField("expunged", s.expungedOnServer());
            g.writeNumberField("uploaded", s.appended());
            g.writeNumberField("moved", s.moved());
            g.writeEndObject();
            g.writeObjectFieldStart("down");
            g.writeNumberField("new", s.downloaded());
            g.writeNumberField("overSizeLimit", s.headersOnly());
            g.writeNumberField("flags", s.flagsPulled());
            g.writeNumberField("removed", s.removedLocally());
            g.writeEndObject();
            g.writeNumberField("repaired", s.repaired());
            g.writeNumberField("unchangedFolders", s.unchanged());
            g.writeNumberField("fullScans", s.fullScans());
            g.writeArrayFieldStart("notes");
            for (String note : s.notes()) {
                g.writeString(note);
            }
            g.writeEndArray();
            g.writeNumberField("seconds", Math.round(s.elapsed().toNanos() / 1e6) / 1000.0);
            g.writeStringField("replica", replica.toString());
            g.writeEndObject();
        });
    }
}
