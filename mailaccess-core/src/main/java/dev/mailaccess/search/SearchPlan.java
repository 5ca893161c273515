package dev.mailaccess.search;

import java.util.List;
import java.util.Objects;

/**
 * How a search will run: the part the server answers, the part evaluated locally, and what it costs. Made by
 * {@link SearchPlanner}; shown by {@link dev.mailaccess.MailFolder#plan} and {@code mailaccess search --explain}.
 *
 * @param query          the whole query
 * @param mode           the mode asked for
 * @param protocol       the protocol of the mailbox, e.g. {@code imap}
 * @param serverPart     the part the server answers ({@link SearchQuery.All} when the server only lists messages)
 * @param serverCommand  the command sent for it, e.g. {@code UID SEARCH CHARSET UTF-8 FROM "alice"} or
 *                       {@code UIDL} (POP3 listing)
 * @param serverSets     sub-queries inside the residual that the server answers as sets of messages (one
 *                       {@code UID SEARCH} each), so that the residual needs less data locally
 * @param localPart      the residual evaluated locally on the server's candidates ({@link SearchQuery.All}: none)
 * @param localData      the data the residual needs per candidate
 * @param messageCount   messages in the folder when planned, or -1 if unknown
 * @param roundTrips     estimated round trips (upper bound: every message a candidate)
 * @param estimatedBytes estimated bytes downloaded (upper bound)
 * @param notes          readable remarks (server differences, emulation)
 */
public record SearchPlan(SearchQuery query, SearchMode mode, String protocol, SearchQuery serverPart,
                         String serverCommand, List<SearchQuery> serverSets, SearchQuery localPart, LocalData localData, long messageCount,
                         long roundTrips, long estimatedBytes, List<String> notes) {

    /** What the local residual needs for each candidate, cheapest first. */
    public enum LocalData {
        /** Nothing: no local residual. */
        NONE,
        /** Facts only: reference, size, flags, internal date (one batched FETCH; POP3: LIST). */
        FACTS,
        /** Facts and the MIME structure (IMAP BODYSTRUCTURE, batched). */
        STRUCTURE,
        /** Facts and the header block (IMAP BODY.PEEK[HEADER]; POP3 TOP n 0), one request per candidate. */
        HEADERS,
        /** Facts and the whole message (IMAP BODY.PEEK[]; POP3 RETR), one request per candidate. */
        BODY
    }

    /**
     * Checks the values and copies the lists.
     *
     * @param query          the whole query
     * @param mode           the mode asked for
     * @param protocol       the protocol of the mailbox
     * @param serverPart     the part the server answers
     * @param serverCommand  the command sent for it
     * @param serverSets     sub-queries of the residual the server answers as sets; must not be null
     * @param localPart      the residual evaluated locally
     * @param localData      the data the residual needs per candidate
     * @param messageCount   messages in the folder, or -1 if unknown
     * @param roundTrips     estimated round trips
     * @param estimatedBytes estimated bytes downloaded
     * @param notes          readable remarks; must not be null
     * @throws NullPointerException if a query, the mode or {@code localData} is null
     */
    public SearchPlan {
        Objects.requireNonNull(query);
        Objects.requireNonNull(mode);
        Objects.requireNonNull(serverPart);
        Objects.requireNonNull(localPart);
        Objects.requireNonNull(localData);
        notes = List.copyOf(notes);
        serverSets = List.copyOf(serverSets);
    }

    /**
     * Whether part of the query is evaluated locally.
     *
     * @return true if a local residual remains
     */
    public boolean hasLocalPart() {
        return !(localPart instanceof SearchQuery.All);
    }

    /**
     * The plan as readable text, as {@code mailaccess search --explain} prints it.
     *
     * @return several lines, each ending with a line feed: query, mode, server command, local part, cost, notes
     */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        sb.append("query:      ").append(show(query)).append('\n');
        sb.append("mode:       ").append(mode).append(" on ").append(protocol)
                .append(messageCount >= 0 ? " (" + messageCount + " messages in the folder)" : "").append('\n');
        sb.append("server:     ").append(serverCommand);
        if (!(serverPart instanceof SearchQuery.All)) {
            sb.append("   [").append(show(serverPart)).append(']');
        }
        sb.append('\n');
        for (SearchQuery set : serverSets) {
            sb.append("server set: ").append(dev.mailaccess.internal.ImapSearchSyntax.command(set, 0)).append("   [")
                    .append(show(set)).append("]\n");
        }
        if (hasLocalPart()) {
            sb.append("local:      ").append(show(localPart)).append('\n');
            sb.append("downloads:  ").append(describe(localData)).append(" for each candidate").append('\n');
        } else {
            sb.append("local:      nothing").append('\n');
        }
        sb.append("cost:       ~").append(roundTrips).append(" round trip(s), ~").append(bytes(estimatedBytes))
                .append(messageCount >= 0 ? " at most" : " per message (folder size unknown)").append('\n');
        for (String n : notes) {
            sb.append("note:       ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static String show(SearchQuery q) {
        String s = QueryPrinter.print(q);
        return s.isEmpty() ? "(everything)" : s;
    }

    static String describe(LocalData d) {
        return switch (d) {
            case NONE -> "nothing";
            case FACTS -> "size, flags and dates (batched)";
            case STRUCTURE -> "MIME structure (batched)";
            case HEADERS -> "the header block";
            case BODY -> "the whole message";
        };
    }

    private static String bytes(long n) {
        if (n < 10_000) {
            return n + " bytes";
        }
        if (n < 10_000_000) {
            return (n / 1000) + " KB";
        }
        return (n / 1_000_000) + " MB";
    }
}
