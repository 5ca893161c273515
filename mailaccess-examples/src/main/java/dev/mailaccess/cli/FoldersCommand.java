package dev.mailaccess.cli;

import dev.mailaccess.FolderInfo;
import dev.mailaccess.Mailbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** {@code folders URL}: the folders of the account (IMAP only; POP3 has just INBOX and exits 5). */
@Command(name = "folders", mixinStandardHelpOptions = true, description = "List the folders of the account.")
public final class FoldersCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        try (Mailbox mb = connection.connect(url, ctx)) {
            List<FolderInfo> folders = mb.folders().stream().sorted(Comparator.comparing(FolderInfo::path)).toList();
            TextTable t = new TextTable("FOLDER", "ROLE", "ATTRIBUTES");
            for (FolderInfo f : folders) {
                t.row(f.path(), f.specialUse() == null ? "" : f.specialUse().name().toLowerCase(Locale.ROOT),
                        String.join(" ", new TreeSet<>(f.attributes())));
            }
            ctx.out().print(t);
        }
    }
}
