package dev.mailaccess.cli;

import dev.mailaccess.Address;
import dev.mailaccess.MessageSummary;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.stream.Collectors;

/** The fields of a summary as the tool shows them, shared by the table and the JSON output. */
final class SummaryFields {
    private SummaryFields() {
    }

    /** All From addresses, or null when the envelope was not fetched. */
    static String from(MessageSummary s) {
        if (s.envelope() == null) {
            return null;
        }
        return s.envelope().from().stream().map(Address::toString).collect(Collectors.joining(", "));
    }

    /** The decoded subject, or null when the envelope was not fetched. */
    static String subject(MessageSummary s) {
        return s.envelope() == null ? null : s.envelope().subject();
    }

    /** The Date header, else the server's received date, else null. */
    static OffsetDateTime date(MessageSummary s) {
        if (s.envelope() != null && s.envelope().date() != null) {
            return s.envelope().date();
        }
        return s.internalDate() == null ? null : s.internalDate().atOffset(ZoneOffset.UTC);
    }

    /** The size in bytes, or null if unknown. */
    static Long size(MessageSummary s) {
        return s.size() < 0 ? null : s.size();
    }
}
