package dev.mailaccess.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mailaccess.MessageSummary;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * JSON Lines output: one object per message, keys {@code ref, from, subject, date, size, flags}; a missing value is
 * null, flags an empty array where the protocol keeps none.
 */
public final class SummaryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SummaryJson() {
    }

    /** One message as a JSON object. */
    public static ObjectNode toJson(MessageSummary s) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("ref", s.ref().toString());
        o.put("from", SummaryFields.from(s));
        o.put("subject", SummaryFields.subject(s));
        OffsetDateTime date = SummaryFields.date(s);
        o.put("date", date == null ? null : date.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        o.put("size", SummaryFields.size(s));
        ArrayNode flags = o.putArray("flags");
        FlagNames.of(s.flags()).forEach(flags::add);
        return o;
    }

    /** Prints one line per message. */
    public static void print(List<MessageSummary> summaries, PrintStream out) {
        for (MessageSummary s : summaries) {
            try {
                out.println(MAPPER.writeValueAsString(toJson(s)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write JSON", e);
            }
        }
    }
}
