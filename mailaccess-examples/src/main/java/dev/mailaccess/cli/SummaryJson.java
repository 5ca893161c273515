package dev.mailaccess.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.mailaccess.MessageSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * JSON Lines output: one object per message, keys {@code ref, from, subject, date, size, flags}, and {@code preview}
 * when previews were asked for; a missing value is null, flags an empty array where the protocol keeps none.
 */
public final class SummaryJson {
    private SummaryJson() {
    }

    /** One message as a JSON object, without a line end. */
    public static String toJson(MessageSummary s) {
        return JsonLines.of(g -> write(s, g));
    }

    /** Prints one line per message, in UTF-8. */
    public static void print(List<MessageSummary> summaries, PrintStream out) {
        print(summaries, out, false);
    }

    /**
     * Prints one line per message, in UTF-8.
     *
     * @param withPreview whether each object has a {@code preview} key (null where the session gave none)
     */
    public static void print(List<MessageSummary> summaries, PrintStream out, boolean withPreview) {
        JsonLines.print(summaries, out, (s, g) -> write(s, g, withPreview));
    }

    private static void write(MessageSummary s, JsonGenerator g) throws IOException {
        write(s, g, false);
    }

    private static void write(MessageSummary s, JsonGenerator g, boolean withPreview) throws IOException {
        g.writeStartObject();
        g.writeStringField("ref", s.ref().toString());
        g.writeStringField("from", SummaryFields.from(s));
        g.writeStringField("subject", SummaryFields.subject(s));
        OffsetDateTime date = SummaryFields.date(s);
        g.writeStringField("date", date == null ? null : date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        g.writeFieldName("size");
        Long size = SummaryFields.size(s);
        if (size == null) {
            g.writeNull();
        } else {
            g.writeNumber(size);
        }
        g.writeArrayFieldStart("flags");
        for (String flag : FlagNames.of(s.flags())) {
            g.writeString(flag);
        }
        g.writeEndArray();
        if (withPreview) {
            g.writeStringField("preview", s.preview());
        }
        g.writeEndObject();
    }
}
