package dev.mailaccess.cli;

import dev.mailaccess.AccessMode;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.search.QueryParser;
import dev.mailaccess.search.QueryPrinter;
import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code search URL QUERY [--explain | --explain-only] [--where MODE] [--json]}: messages matching a query, newest
 * first; the server answers what it can, the rest is checked locally. {@code --explain} prints the plan (server
 * command, local residual, what is downloaded, estimated round trips and bytes) before the results;
 * {@code --explain-only} prints it and searches nothing.
 */
@Command(name = "search", mixinStandardHelpOptions = true, modelTransformer = DashArguments.Parser.class,
        description = {"Search a folder, newest first.",
                "QUERY: field:value terms, all must match: from: to: cc: bcc: subject: body: text: "
                        + "header:Name=value message-id: flag:seen noflag: keyword: nokeyword: since:yyyy-mm-dd "
                        + "before: on: received-since: received-before: received-on: larger:BYTES smaller: "
                        + "ref:imap:V:U,... has:attachment; a bare word searches text; a leading - negates a term "
                        + "or a (group); A OR B (capital OR binds tighter than the implicit AND); quote values "
                        + "with spaces, e.g. 'subject:\"quarterly report\" -flag:seen (to:bob OR cc:bob)'. "
                        + "A QUERY may start with -, e.g. '-flag:seen subject:budget'."})
public final class SearchCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Parameters(index = "1", paramLabel = "QUERY", parameterConsumer = DashArguments.class)
    private String query;

    @Option(names = "--json", description = "One JSON object per line, as 'list --json' prints; with --explain "
            + "the plan comes first as {\"plan\": {...}}.")
    private boolean json;

    @Option(names = "--explain", description = "Print the plan (what the server answers, what is checked "
            + "locally, what is downloaded, estimated round trips and bytes) before the results.")
    private boolean explain;

    @Option(names = "--explain-only", description = "Print the plan and search nothing.")
    private boolean explainOnly;

    @Option(names = "--where", paramLabel = "MODE", defaultValue = "PLANNED",
            description = "PLANNED (default: the server answers what it can), SERVER_ONLY or LOCAL_ONLY "
                    + "(download and check locally).")
    private SearchMode where;

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
            if (explain || explainOnly) {
                SearchPlan plan = f.plan(q, where);
                if (json) {
                    ctx.out().println(planJson(plan));
                } else {
                    ctx.out().print(plan.explain());
                    if (!explainOnly) {
                        ctx.out().println();
                    }
                }
                if (explainOnly) {
                    return;
                }
            }
            List<MessageRef> hits = f.search(q, where);
            ListingSpec.noteMissingHeaders(mb, ctx.err());
            List<MessageSummary> newestFirst = new ArrayList<>(hits.isEmpty() ? List.of()
                    : f.summaries(hits, ListingSpec.LISTING));
            Collections.reverse(newestFirst);
            if (json) {
                SummaryJson.print(newestFirst, ctx.out());
            } else {
                SummaryTable.print(newestFirst, ctx.out());
            }
        }
    }

    private static String planJson(SearchPlan plan) {
        return JsonLines.of(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("plan");
            g.writeStringField("query", QueryPrinter.print(plan.query()));
            g.writeStringField("mode", plan.mode().name());
            g.writeStringField("protocol", plan.protocol());
            g.writeStringField("serverCommand", plan.serverCommand());
            g.writeStringField("server", QueryPrinter.print(plan.serverPart()));
            g.writeArrayFieldStart("serverSets");
            for (var set : plan.serverSets()) {
                g.writeString(QueryPrinter.print(set));
            }
            g.writeEndArray();
            g.writeStringField("local", QueryPrinter.print(plan.localPart()));
            g.writeStringField("localData", plan.localData().name());
            g.writeNumberField("messages", plan.messageCount());
            g.writeNumberField("roundTrips", plan.roundTrips());
            g.writeNumberField("estimatedBytes", plan.estimatedBytes());
            g.writeArrayFieldStart("notes");
            for (String note : plan.notes()) {
                g.writeString(note);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
