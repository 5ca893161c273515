package dev.mailaccess.cli;

import dev.mailaccess.MessageSummary;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A readable table of summaries: ref, date (in the local time zone), from, subject, size, flags; where a summary has
 * a preview, its start on a second line under the subject.
 */
public final class SummaryTable {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private SummaryTable() {
    }

    /** The table as text. */
    public static String render(List<MessageSummary> summaries) {
        TextTable t = new TextTable("REF", "DATE", "FROM", "SUBJECT", "SIZE", "FLAGS");
        for (MessageSummary s : summaries) {
            OffsetDateTime date = SummaryFields.date(s);
            Long size = SummaryFields.size(s);
            t.row(s.ref().toString(), date == null ? "" : date.atZoneSameInstant(ZoneId.systemDefault()).format(DATE),
                    TextTable.cut(SummaryFields.from(s), 28), TextTable.cut(SummaryFields.subject(s), 40) + preview(s),
                    size == null ? "" : size.toString(), String.join(" ", FlagNames.of(s.flags())));
        }
        return t.toString();
    }

    /** The preview's start as a second line of the subject cell; nothing where there is none. */
    private static String preview(MessageSummary s) {
        return s.preview() == null || s.preview().isEmpty() ? "" : "\n  " + TextTable.cut(s.preview(), 60);
    }

    /** Prints the table, or a note when there is nothing to show. */
    public static void print(List<MessageSummary> summaries, PrintStream out) {
        if (summaries.isEmpty()) {
            out.println("(no messages)");
            return;
        }
        out.print(render(summaries));
    }
}
