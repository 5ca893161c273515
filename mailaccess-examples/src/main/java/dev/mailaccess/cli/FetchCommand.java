package dev.mailaccess.cli;

import dev.mailaccess.MailboxConfig;
import dev.mailaccess.offline.OfflineFetch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.Console;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code fetch URL --maildir DIR}: offline mode. Downloads every message not stored yet into a local Maildir and then,
 * by default, deletes it on the server, only after the local copy is durable. A rerun downloads only what is new.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Offline mode: download all new mail into a local Maildir, then delete it on the server "
                + "(unless --keep). Safe to interrupt and rerun: every message ends up stored exactly once.")
public final class FetchCommand implements Runnable {

    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Option(names = "--maildir", required = true, paramLabel = "DIR",
            description = "The local Maildir (tmp/, new/, cur/); created private to the user if missing.")
    private Path maildir;

    @Option(names = "--folder", paramLabel = "F",
            description = "Folder to download, repeatable (default: INBOX; POP3 has only INBOX).")
    private List<String> folders = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    private RetentionOptions retention;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "100",
            description = "Commit local state and server deletions every N messages (default: ${DEFAULT-VALUE}); "
                    + "bounds what a broken connection makes the next run download again.")
    private int commitEvery;

    @Option(names = "--attempts", paramLabel = "N", defaultValue = "5",
            description = "Connection attempts, with growing pauses, before giving up (default: ${DEFAULT-VALUE}).")
    private int attempts;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (a bar on a terminal, plain lines otherwise), bar, lines or none.")
    private String progress;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    private boolean json;

    @Mixin
    private ConnectionOptions connection;

    /** {@code --keep} or {@code --keep-days N}, not both. */
    static final class RetentionOptions {
        @Option(names = "--keep", required = true, description = "Leave every message on the server.")
        boolean keep;

        @Option(names = "--keep-days", required = true, paramLabel = "N",
                description = "Leave messages on the server for N days after their download, then delete them.")
        Integer keepDays;
    }

    @Override
    public void run() {
        CliContext ctx = top.context();
        if (commitEvery < 1) {
            throw new UsageException("--commit-every must be at least 1: " + commitEvery);
        }
        if (attempts < 1) {
            throw new UsageException("--attempts must be at least 1: " + attempts);
        }
        if (retention != null && retention.keepDays != null && retention.keepDays < 0) {
            throw new UsageException("--keep-days must not be negative: " + retention.keepDays);
        }
        for (String f : folders) {
            if (f.isBlank()) {
                throw new UsageException("--folder must not be empty");
            }
        }
        FetchProgress listener = FetchProgress.create(progressMode(), ctx.err(), ctx::redact);
        MailboxConfig config = connection.config(url, ctx);
        OfflineFetch fetch = OfflineFetch.builder(config, maildir)
                .folders(folders.isEmpty() ? List.of("INBOX") : folders)
                .retention(retention())
                .commitEvery(commitEvery)
                .maxAttempts(attempts)
                .listener(listener)
                .build();
        OfflineFetch.Result result;
        try {
            result = fetch.run();
        } finally {
            listener.finish();
        }
        if (json) {
            ctx.out().println(json(result));
        } else {
            ctx.out().println(text(result));
        }
        ctx.out().flush();
    }

    private OfflineFetch.Retention retention() {
        if (retention == null) {
            return new OfflineFetch.Retention.Delete();
        }
        if (retention.keep) {
            return new OfflineFetch.Retention.Keep();
        }
        return new OfflineFetch.Retention.KeepDays(retention.keepDays);
    }

    private FetchProgress.Mode progressMode() {
        switch (progress.toLowerCase(Locale.ROOT)) {
            case "auto":
                return isTerminal() ? FetchProgress.Mode.BAR : FetchProgress.Mode.LINES;
            case "bar":
                return FetchProgress.Mode.BAR;
            case "lines":
                return FetchProgress.Mode.LINES;
            case "none":
                return FetchProgress.Mode.NONE;
            default:
                throw new UsageException("--progress must be auto, bar, lines or none: " + progress);
        }
    }

    /** Whether stderr is probably a terminal: a console exists (and, on Java 22+, says it is a terminal). */
    static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // before Java 22, System.console() is null unless attached to a terminal
        }
    }

    private String text(OfflineFetch.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.downloaded()).append(r.downloaded() == 1 ? " message, " : " messages, ")
                .append(r.bytes()).append(" bytes (").append(FetchProgress.human(r.bytes())).append(") in ")
                .append(String.format(Locale.ROOT, "%.1f", seconds(r))).append(" s; ")
                .append(r.alreadyPresent()).append(" already present; ")
                .append(r.deletedOnServer()).append(" deleted on server");
        if (r.reconnects() > 0) {
            sb.append("; ").append(r.reconnects()).append(r.reconnects() == 1 ? " reconnect" : " reconnects");
        }
        sb.append("; Maildir ").append(maildir);
        return sb.toString();
    }

    private String json(OfflineFetch.Result r) {
        return JsonLines.of(g -> {
            g.writeStartObject();
            g.writeNumberField("messages", r.downloaded());
            g.writeNumberField("bytes", r.bytes());
            g.writeNumberField("seconds", Math.round(seconds(r) * 1000) / 1000.0);
            g.writeNumberField("alreadyPresent", r.alreadyPresent());
            g.writeNumberField("deletedOnServer", r.deletedOnServer());
            g.writeNumberField("reconnects", r.reconnects());
            g.writeStringField("maildir", maildir.toString());
            g.writeEndObject();
        });
    }

    private static double seconds(OfflineFetch.Result r) {
        return r.elapsed().toNanos() / 1e9;
    }
}
