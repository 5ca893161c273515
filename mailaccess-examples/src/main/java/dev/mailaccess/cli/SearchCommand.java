package dev.mailaccess.cli;

import dev.mailaccess.AccessMode;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.search.QueryParser;
import dev.mailaccess.search.SearchQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@code search URL QUERY}: messages matching a query, newest first; the server answers where it can. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search a folder, newest first.",
                "QUERY: field:value terms, all must match: from: to: cc: subject: body: text: flag:seen "
                        + "keyword: since:yyyy-mm-dd before: larger:BYTES smaller:; a leading - negates; "
                        + "quote values with spaces, e.g. 'subject:\"quarterly report\" -flag:seen'."})
public final class SearchCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Parameters(index = "1", paramLabel = "QUERY")
    private String query;

    @Option(names = "--json", description = "One JSON object per line, as 'list --json' prints.")
    private boolean json;

    @Mixin
    private FolderOption folder;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        SearchQuery q = QueryParser.parse(query);
        CliContext ctx = top.context();
        try (Mailbox mb = connection.connect(url, ctx);
             MailFolder f = mb.folder(folder.folder(), AccessMode.READ_ONLY)) {
            List<MessageRef> hits = f.search(q);
            FetchSpec spec = ListingSpec.forSession(mb.capabilities(), connection.emulate());
            ListingSpec.noteMissingHeaders(mb.capabilities(), spec, ctx.err());
            List<MessageSummary> newestFirst = new ArrayList<>(hits.isEmpty() ? List.of() : f.summaries(hits, spec));
            Collections.reverse(newestFirst);
            if (json) {
                SummaryJson.print(newestFirst, ctx.out());
            } else {
                SummaryTable.print(newestFirst, ctx.out());
            }
        }
    }
}
