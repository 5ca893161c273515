package dev.mailaccess.cli;

import dev.mailaccess.AccessMode;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@code list URL}: the newest messages of a folder, newest first, in one batched request. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the newest messages, newest first.")
public final class ListCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
            description = "At most N messages (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Option(names = "--json", description = "One JSON object per line: ref, from, subject, date, size, flags "
            + "(and preview with --preview).")
    private boolean json;

    @Option(names = "--preview", description = "Also show up to 200 characters of each message's text (PREVIEW: "
            + "native where the IMAP server has PREVIEW, else emulated: needs --emulate).")
    private boolean preview;

    @Mixin
    private FolderOption folder;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        if (limit < 0) {
            throw new UsageException("--limit must not be negative: " + limit);
        }
        CliContext ctx = top.context();
        try (Mailbox mb = connection.connect(url, ctx);
             MailFolder f = mb.folder(folder.folder(), AccessMode.READ_ONLY)) {
            ListingSpec.noteMissingHeaders(mb, ctx.err());
            if (preview) {
                ListingSpec.noteMissingPreview(mb, ctx.err());
            }
            List<MessageSummary> newestFirst = new ArrayList<>(f.newest(limit,
                    preview ? ListingSpec.WITH_PREVIEW : ListingSpec.LISTING));
            Collections.reverse(newestFirst);
            if (json) {
                SummaryJson.print(newestFirst, ctx.out(), preview);
            } else {
                SummaryTable.print(newestFirst, ctx.out());
            }
        }
    }
}
