package dev.mailaccess.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mailaccess.AccessMode;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code threads URL [--folder F] [--algorithm references|orderedsubject] [--json]}: a folder's conversations
 * (RFC 5256), each an indented tree, replies under what they answer; the summaries of all the threaded messages in
 * one batched request.
 */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = {"Show a folder's conversations as indented trees (RFC 5256 threads), oldest first.",
                "THREADS is native where the IMAP server has THREAD, else emulated (needs --emulate on POP3)."})
public final class ThreadsCommand implements Runnable {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Option(names = "--algorithm", paramLabel = "ALGORITHM", defaultValue = "REFERENCES",
            description = "references (default: by Message-ID, In-Reply-To and References, then subject) or "
                    + "orderedsubject (by subject alone).")
    private ThreadAlgorithm algorithm;

    @Option(names = "--json", description = "One JSON object per thread and line: ref, from, subject, date, "
            + "children (the same objects); a message not in the folder has all null but its children.")
    private boolean json;

    @Mixin
    private FolderOption folder;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        try (Mailbox mb = connection.connect(url, ctx);
             MailFolder f = mb.folder(folder.folder(), AccessMode.READ_ONLY)) {
            List<MessageThread> threads = f.threads(algorithm, null);
            List<MessageRef> refs = new ArrayList<>();
            threads.forEach(t -> refs.addAll(t.messages()));
            ListingSpec.noteMissingHeaders(mb, ctx.err());
            Map<MessageRef, MessageSummary> byRef = new HashMap<>();
            if (!refs.isEmpty()) {
                for (MessageSummary s : f.summaries(refs, ListingSpec.LISTING)) {
                    byRef.put(s.ref(), s);
                }
            }
            if (json) {
                JsonLines.print(threads, ctx.out(), (t, g) -> write(t, byRef, g));
            } else if (threads.isEmpty()) {
                ctx.out().println("(no messages)");
            } else {
                TextTable table = new TextTable("REF", "DATE", "FROM", "THREAD");
                for (MessageThread t : threads) {
                    rows(t, 0, byRef, table);
                }
                ctx.out().print(table);
            }
        }
    }

    /** A row per node, depth first; the subject indented two spaces per level of reply. */
    private static void rows(MessageThread t, int depth, Map<MessageRef, MessageSummary> byRef, TextTable table) {
        String indent = "  ".repeat(depth);
        MessageSummary s = t.ref() == null ? null : byRef.get(t.ref());
        if (t.ref() == null) {
            table.row("-", "", "", indent + "(not in this folder)");
        } else if (s == null) {
            table.row(t.ref().toString(), "", "", indent); // gone between the two requests
        } else {
            OffsetDateTime date = SummaryFields.date(s);
            table.row(t.ref().toString(),
                    date == null ? "" : date.atZoneSameInstant(ZoneId.systemDefault()).format(DATE),
                    TextTable.cut(SummaryFields.from(s), 28),
                    indent + TextTable.cut(SummaryFields.subject(s), Math.max(20, 60 - indent.length())));
        }
        for (MessageThread c : t.children()) {
            rows(c, depth + 1, byRef, table);
        }
    }

    private static void write(MessageThread t, Map<MessageRef, MessageSummary> byRef, JsonGenerator g)
            throws IOException {
        MessageSummary s = t.ref() == null ? null : byRef.get(t.ref());
        g.writeStartObject();
        g.writeStringField("ref", t.ref() == null ? null : t.ref().toString());
        g.writeStringField("from", s == null ? null : SummaryFields.from(s));
        g.writeStringField("subject", s == null ? null : SummaryFields.subject(s));
        OffsetDateTime date = s == null ? null : SummaryFields.date(s);
        g.writeStringField("date", date == null ? null : date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        g.writeArrayFieldStart("children");
        for (MessageThread c : t.children()) {
            write(c, byRef, g);
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
