package dev.mailaccess.cli;

import dev.mailaccess.Mailbox;
import dev.mailaccess.Quota;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.Locale;

/**
 * {@code quota URL [--folder F]}: the quota roots that apply to a folder, with usage and limits ("is my mailbox
 * full?"). IMAP servers with QUOTA (RFC 9208) only: POP3, or an IMAP server without it, exits 5 before asking.
 */
@Command(name = "quota", mixinStandardHelpOptions = true,
        description = "Show the quota (usage and limits) that applies to a folder (IMAP QUOTA, RFC 9208).")
public final class QuotaCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL", description = "e.g. imaps://alice@mail.example.org")
    private String url;

    @Mixin
    private FolderOption folder;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        try (Mailbox mb = connection.connect(url, ctx)) {
            List<Quota> roots = mb.quota(folder.folder());
            if (roots.isEmpty()) {
                ctx.out().println("no quota applies to " + folder.folder());
                return;
            }
            TextTable t = new TextTable("ROOT", "RESOURCE", "USED", "LIMIT", "FULL");
            for (Quota q : roots) {
                for (Quota.Resource r : q.resources()) {
                    boolean storage = r.name().equals("STORAGE");
                    t.row(q.root().isEmpty() ? "\"\"" : q.root(), r.name(),
                            storage ? kibibytes(r.usage()) : Long.toString(r.usage()),
                            storage ? kibibytes(r.limit()) : Long.toString(r.limit()),
                            String.format(Locale.ROOT, "%.1f%%", 100 * r.fraction()));
                }
            }
            ctx.out().print(t);
        }
    }

    /** A STORAGE amount (units of 1024 bytes) for people: KiB, MiB or GiB. */
    static String kibibytes(long kib) {
        if (kib < 1024) {
            return kib + " KiB";
        }
        if (kib < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", kib / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f GiB", kib / (1024.0 * 1024));
    }
}
