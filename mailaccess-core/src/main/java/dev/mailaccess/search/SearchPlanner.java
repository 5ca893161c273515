package dev.mailaccess.search;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.internal.ImapSearchSyntax;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a query between the server and the client. The server gets the largest conjunction of predicates it can
 * answer (on IMAP every predicate but {@code has:attachment}; on POP3 none), sent as one {@code UID SEARCH}; the
 * rest (the residual) is evaluated locally by {@link SearchableMessage} on the server's candidates, with the least
 * data that suffices ({@link SearchPlan.LocalData}): facts (size, flags, dates: one batched request), the MIME
 * structure (batched), the header block, or the whole message.
 *
 * <p>Costs are estimates for an upper bound where every message is a candidate, assuming 2 KB of headers and
 * 20 KB per message on average.
 */
public final class SearchPlanner {
    /** Assumed average size of a header block, for estimates. */
    public static final long AVERAGE_HEADER_BYTES = 2_000;
    /** Assumed average size of a message, for estimates. */
    public static final long AVERAGE_MESSAGE_BYTES = 20_000;

    private SearchPlanner() {
    }

    /**
     * Plans a search. No I/O.
     *
     * @param query            the query
     * @param capabilities     the live (or static) capabilities of the mailbox
     * @param emulationAllowed whether the caller allowed emulated operations (POP3 search downloads messages)
     * @param mode             where the query may be evaluated
     * @param messageCount     messages in the folder, for the estimates, or -1 if unknown
     * @return the plan
     * @throws UnsupportedCapabilityException if the query cannot run in this mode here: a {@code SERVER_ONLY}
     *         predicate the server cannot answer, flags on a protocol without flags, POP3 search without emulation
     *         (the message names what would have to be downloaded)
     */
    public static SearchPlan plan(SearchQuery query, CapabilitySet capabilities, boolean emulationAllowed,
                                  SearchMode mode, long messageCount) {
        String protocol = capabilities.protocol();
        boolean serverSearch = capabilities.support(Capability.SERVER_SEARCH) == Support.NATIVE;
        boolean internalDates = serverSearch; // IMAP has INTERNALDATE; POP3 has none
        List<String> notes = new ArrayList<>();
        if (query.needsFlags() && !capabilities.isUsable(Capability.SERVER_FLAGS, emulationAllowed)) {
            CapabilityInfo flags = capabilities.info(Capability.SERVER_FLAGS);
            throw new UnsupportedCapabilityException(new CapabilityInfo(Capability.SERVER_FLAGS, flags.support(),
                    flags.reason() + "; the query '" + QueryPrinter.print(query) + "' tests flags or keywords: "
                            + "search a disconnected replica instead, which keeps them locally"), protocol);
        }
        SearchQuery server;
        SearchQuery local;
        switch (mode) {
            case SERVER_ONLY -> {
                if (!serverSearch) {
                    CapabilityInfo info = capabilities.info(Capability.SERVER_SEARCH);
                    throw new UnsupportedCapabilityException(new CapabilityInfo(Capability.SERVER_SEARCH,
                            Support.UNSUPPORTED, info.reason() + "; SERVER_ONLY is impossible: search PLANNED or "
                            + "LOCAL_ONLY, which download messages"), protocol);
                }
                if (!ImapSearchSyntax.expressible(query)) {
                    throw new UnsupportedCapabilityException(new CapabilityInfo(Capability.SERVER_SEARCH,
                            Support.UNSUPPORTED, "no IMAP SEARCH key answers has:attachment; search PLANNED, which "
                            + "checks it locally on the MIME structure"), protocol);
                }
                server = query;
                local = SearchQuery.all();
            }
            case LOCAL_ONLY -> {
                server = SearchQuery.all();
                local = query;
            }
            default -> {
                if (!serverSearch) {
                    server = SearchQuery.all();
                    local = query;
                } else if (ImapSearchSyntax.expressible(query)) {
                    server = query;
                    local = SearchQuery.all();
                } else if (query instanceof SearchQuery.And a) {
                    List<SearchQuery> s = new ArrayList<>();
                    List<SearchQuery> l = new ArrayList<>();
                    for (SearchQuery t : a.terms()) {
                        (ImapSearchSyntax.expressible(t) ? s : l).add(t);
                    }
                    server = conjunction(s);
                    local = conjunction(l);
                } else {
                    server = SearchQuery.all();
                    local = query;
                }
            }
        }
        List<SearchQuery> sets = new ArrayList<>();
        if (mode == SearchMode.PLANNED && serverSearch && !(local instanceof SearchQuery.All)) {
            collectServerSets(local, sets);
        }
        SearchPlan.LocalData data = local instanceof SearchQuery.All ? SearchPlan.LocalData.NONE
                : needs(withSets(local, sets), internalDates);
        if (!serverSearch && data != SearchPlan.LocalData.NONE && mentionsAttachment(local)) {
            data = SearchPlan.LocalData.BODY; // POP3 learns the structure only by downloading the message
        }
        long n = messageCount >= 0 ? messageCount : 1;
        String command;
        long trips = 1;
        long bytes;
        if (serverSearch) {
            command = server instanceof SearchQuery.All ? "UID SEARCH ALL" : ImapSearchSyntax.command(server, 0);
            bytes = command.length() + 8 * n;
        } else {
            command = "UIDL (list every message)";
            bytes = 30 * n;
        }
        trips += sets.size();
        bytes += sets.size() * (100 + 8 * n);
        switch (data) {
            case NONE -> {
            }
            case FACTS -> {
                trips += 1;
                bytes += (serverSearch ? 100 : 15) * n;
            }
            case STRUCTURE -> {
                trips += 1;
                bytes += 600 * n;
            }
            case HEADERS -> {
                trips += 1 + n;
                bytes += (AVERAGE_HEADER_BYTES + 100) * n;
            }
            case BODY -> {
                trips += 1 + n;
                bytes += (AVERAGE_MESSAGE_BYTES + 100) * n;
            }
        }
        if (!serverSearch) {
            String what = data == SearchPlan.LocalData.BODY ? "every whole message (RETR)"
                    : data == SearchPlan.LocalData.HEADERS ? "the headers of every message (TOP n 0)"
                    : data == SearchPlan.LocalData.NONE ? "the list of messages (UIDL)"
                    : "the size list (LIST)";
            if (!capabilities.isUsable(Capability.SERVER_SEARCH, emulationAllowed)) {
                CapabilityInfo info = capabilities.info(Capability.SERVER_SEARCH);
                throw new UnsupportedCapabilityException(new CapabilityInfo(Capability.SERVER_SEARCH,
                        info.support(), info.reason() + "; '" + QueryPrinter.print(query) + "' would download "
                                + what + (messageCount >= 0 ? " of " + messageCount + " messages, ~"
                                + bytes / 1000 + " KB" : "")), protocol);
            }
            notes.add("emulated: " + protocol + " has no SEARCH; downloads " + what);
        }
        if (serverSearch && !(server instanceof SearchQuery.All)) {
            notes.add("server string matches follow the server's own rules (e.g. GreenMail matches whole "
                    + "addresses for from/to/cc; Dovecot may fold accents or use a full-text index)");
        }
        return new SearchPlan(query, mode, protocol, server, command, sets, local, data, messageCount, trips, bytes, notes);
    }

    /**
     * What data the local evaluation of a query needs per message, when internal dates are known.
     *
     * @param query the query
     * @return the least data that suffices, from {@link SearchPlan.LocalData#NONE} to
     *         {@link SearchPlan.LocalData#BODY}
     */
    public static SearchPlan.LocalData needs(SearchQuery query) {
        return needs(query, true);
    }

    /**
     * The residual with each of the server sets replaced by a placeholder {@link SearchQuery.RefIn} (what it needs
     * locally once the server answered them).
     */
    private static SearchQuery withSets(SearchQuery q, List<SearchQuery> sets) {
        return substitute(q, sets, java.util.Collections.nCopies(sets.size(), java.util.Set.of()));
    }

    /**
     * Replaces each occurrence of {@code sets.get(i)} in the query by {@code RefIn(answers.get(i))}: how a residual
     * is evaluated after the server answered its sets.
     *
     * @param q       the query, usually a plan's {@link SearchPlan#localPart()}
     * @param sets    the plan's {@link SearchPlan#serverSets()}
     * @param answers the server's answer to each set, in the same order
     * @return the query with the sets replaced; {@code q} itself when none occurs in it
     */
    public static SearchQuery substitute(SearchQuery q, List<SearchQuery> sets,
                                         List<? extends java.util.Set<dev.mailaccess.MessageRef>> answers) {
        int i = sets.indexOf(q);
        if (i >= 0) {
            return new SearchQuery.RefIn(answers.get(i));
        }
        if (q instanceof SearchQuery.And a) {
            return new SearchQuery.And(a.terms().stream().map(t -> substitute(t, sets, answers)).toList());
        }
        if (q instanceof SearchQuery.Or o) {
            return new SearchQuery.Or(o.terms().stream().map(t -> substitute(t, sets, answers)).toList());
        }
        if (q instanceof SearchQuery.Not n) {
            return new SearchQuery.Not(substitute(n.term(), sets, answers));
        }
        return q;
    }

    /** Maximal sub-trees the server can answer that would otherwise need headers or bodies locally. */
    private static void collectServerSets(SearchQuery q, List<SearchQuery> out) {
        if (ImapSearchSyntax.expressible(q)) {
            if (needs(q, true).compareTo(SearchPlan.LocalData.STRUCTURE) > 0 && !out.contains(q)) {
                out.add(q);
            }
            return;
        }
        List<SearchQuery> children = q instanceof SearchQuery.And a ? a.terms()
                : q instanceof SearchQuery.Or o ? o.terms()
                : q instanceof SearchQuery.Not n ? List.of(n.term()) : List.of();
        for (SearchQuery c : children) {
            collectServerSets(c, out);
        }
    }

    /**
     * What data the local evaluation of a query needs per message.
     *
     * @param q             the query
     * @param internalDates whether the internal (received) date is known as a fact; if not (POP3) it comes from the
     *                      headers
     * @return the least data that suffices
     */
    public static SearchPlan.LocalData needs(SearchQuery q, boolean internalDates) {
        if (q instanceof SearchQuery.And a) {
            return max(a.terms(), internalDates);
        }
        if (q instanceof SearchQuery.Or o) {
            return max(o.terms(), internalDates);
        }
        if (q instanceof SearchQuery.Not n) {
            return needs(n.term(), internalDates);
        }
        if (q instanceof SearchQuery.All || q instanceof SearchQuery.RefIn) {
            return SearchPlan.LocalData.NONE;
        }
        if (q instanceof SearchQuery.SizeIs || q instanceof SearchQuery.FlagIs || q instanceof SearchQuery.KeywordIs) {
            return SearchPlan.LocalData.FACTS;
        }
        if (q instanceof SearchQuery.DateIs d) {
            return d.field() == SearchQuery.DateField.RECEIVED && internalDates ? SearchPlan.LocalData.FACTS
                    : SearchPlan.LocalData.HEADERS;
        }
        if (q instanceof SearchQuery.HasAttachment) {
            return SearchPlan.LocalData.STRUCTURE;
        }
        if (q instanceof SearchQuery.Contains c) {
            return c.field() == SearchQuery.Field.BODY || c.field() == SearchQuery.Field.TEXT
                    ? SearchPlan.LocalData.BODY : SearchPlan.LocalData.HEADERS;
        }
        return SearchPlan.LocalData.HEADERS; // HeaderContains
    }

    private static SearchPlan.LocalData max(List<SearchQuery> terms, boolean internalDates) {
        SearchPlan.LocalData m = SearchPlan.LocalData.NONE;
        for (SearchQuery t : terms) {
            SearchPlan.LocalData d = needs(t, internalDates);
            if (d.compareTo(m) > 0) {
                m = d;
            }
        }
        return m;
    }

    private static boolean mentionsAttachment(SearchQuery q) {
        if (q instanceof SearchQuery.HasAttachment) {
            return true;
        }
        List<SearchQuery> children = q instanceof SearchQuery.And a ? a.terms()
                : q instanceof SearchQuery.Or o ? o.terms()
                : q instanceof SearchQuery.Not n ? List.of(n.term()) : List.of();
        return children.stream().anyMatch(SearchPlanner::mentionsAttachment);
    }

    private static SearchQuery conjunction(List<SearchQuery> terms) {
        if (terms.isEmpty()) {
            return SearchQuery.all();
        }
        return terms.size() == 1 ? terms.get(0) : new SearchQuery.And(terms);
    }
}
