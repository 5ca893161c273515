package dev.mailaccess.internal;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchPlanner;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a {@link SearchPlan} on an adapter folder: the server part gives the candidates, the server sets are asked
 * one {@code UID SEARCH} each, then the residual is evaluated per candidate in stages, cheapest conjunct first, so
 * that headers and bodies are downloaded only for candidates that survived the cheaper tests.
 */
final class SearchExecution {
    private static final byte[] NO_BYTES = new byte[0];

    private SearchExecution() {
    }

    /**
     * @param serverFlags    whether flags can be fetched
     * @param nativeServer   whether the server searches natively (IMAP): internal dates and batched structure
     */
    static List<MessageRef> run(SearchPlan plan, MailFolder folder, boolean serverFlags, boolean nativeServer) {
        List<MessageRef> candidates = plan.serverPart() instanceof SearchQuery.All ? folder.refs()
                : folder.search(plan.serverPart());
        if (!plan.hasLocalPart() || candidates.isEmpty()) {
            return candidates;
        }
        List<Set<MessageRef>> answers = new ArrayList<>();
        for (SearchQuery set : plan.serverSets()) {
            answers.add(new LinkedHashSet<>(folder.search(set)));
        }
        SearchQuery local = SearchPlanner.substitute(plan.localPart(), plan.serverSets(), answers);
        List<SearchQuery> conjuncts = new ArrayList<>(local instanceof SearchQuery.And a ? a.terms() : List.of(local));
        boolean structure = nativeServer && mentionsAttachment(local);
        conjuncts.sort(Comparator.comparing(c -> need(c, nativeServer, structure)));

        FetchSpec spec = FetchSpec.of(FetchSpec.Item.SIZE, FetchSpec.Item.INTERNAL_DATE);
        if (local.needsFlags() && serverFlags) {
            spec = spec.with(FetchSpec.Item.FLAGS);
        }
        if (structure) {
            spec = spec.with(FetchSpec.Item.STRUCTURE);
        }
        List<MessageSummary> summaries = folder.summaries(candidates, spec);
        SearchPlan.LocalData start = structure ? SearchPlan.LocalData.STRUCTURE : SearchPlan.LocalData.FACTS;
        List<MessageRef> out = new ArrayList<>();
        for (int from = 0; from < summaries.size(); from += HEADER_BATCH) {
            List<Candidate> batch = new ArrayList<>();
            for (MessageSummary s : summaries.subList(from, Math.min(summaries.size(), from + HEADER_BATCH))) {
                SearchableMessage.Facts facts = new SearchableMessage.Facts(s.ref(), s.flags(), s.internalDate(),
                        s.size(), s.structure());
                batch.add(new Candidate(s.ref(), facts, SearchableMessage.headersOnly(NO_BYTES, facts), start));
            }
            // Each candidate is decided as far as what is at hand allows; those that need their headers get them
            // in one batched request, and only those that still need more are read whole, one by one.
            batch.forEach(c -> c.advance(conjuncts, nativeServer, structure));
            List<Candidate> wantHeaders = batch.stream()
                    .filter(c -> c.undecided() && c.wants == SearchPlan.LocalData.HEADERS).toList();
            if (!wantHeaders.isEmpty()) {
                Map<MessageRef, byte[]> heads = folder.headerBlocks(wantHeaders.stream().map(c -> c.ref).toList());
                for (Candidate c : wantHeaders) {
                    byte[] head = heads.get(c.ref);
                    if (head == null) {
                        c.gone = true; // expunged meanwhile: not a result
                        continue;
                    }
                    c.message = SearchableMessage.headersOnly(head, c.facts);
                    c.have = SearchPlan.LocalData.HEADERS;
                    c.advance(conjuncts, nativeServer, structure);
                }
            }
            for (Candidate c : batch) {
                if (c.undecided()) {
                    try {
                        c.message = SearchableMessage.of(readAll(folder.openMessage(c.ref)), c.facts);
                    } catch (MessageGoneException e) {
                        continue; // expunged meanwhile: not a result
                    }
                    c.have = SearchPlan.LocalData.BODY;
                    c.advance(conjuncts, nativeServer, structure);
                }
                if (c.matches && !c.gone && c.next == conjuncts.size()) {
                    out.add(c.ref);
                }
            }
        }
        return List.copyOf(out);
    }

    private static final int HEADER_BATCH = 500;

    /** A candidate of the local stage: the conjuncts it passed so far and what it has been given to decide on. */
    private static final class Candidate {
        final MessageRef ref;
        final SearchableMessage.Facts facts;
        SearchableMessage message;
        SearchPlan.LocalData have;
        SearchPlan.LocalData wants;
        int next;
        boolean matches = true;
        boolean gone;

        Candidate(MessageRef ref, SearchableMessage.Facts facts, SearchableMessage message,
                  SearchPlan.LocalData have) {
            this.ref = ref;
            this.facts = facts;
            this.message = message;
            this.have = have;
        }

        boolean undecided() {
            return matches && !gone && wants != null;
        }

        /** Evaluates conjuncts in order until one fails, or one needs more than {@link #have}. */
        void advance(List<SearchQuery> conjuncts, boolean nativeServer, boolean structure) {
            wants = null;
            while (matches && next < conjuncts.size()) {
                SearchQuery c = conjuncts.get(next);
                SearchPlan.LocalData need = need(c, nativeServer, structure);
                if (need.compareTo(have) > 0) {
                    wants = need;
                    return;
                }
                matches = message.matches(c);
                next++;
            }
        }
    }

    /** What a conjunct needs; without a fetched structure, has:attachment needs the whole message. */
    private static SearchPlan.LocalData need(SearchQuery q, boolean nativeServer, boolean structure) {
        if (!structure && mentionsAttachment(q)) {
            return SearchPlan.LocalData.BODY;
        }
        return SearchPlanner.needs(q, nativeServer);
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean mentionsAttachment(SearchQuery q) {
        if (q instanceof SearchQuery.HasAttachment) {
            return true;
        }
        if (q instanceof SearchQuery.And a) {
            return a.terms().stream().anyMatch(SearchExecution::mentionsAttachment);
        }
        if (q instanceof SearchQuery.Or o) {
            return o.terms().stream().anyMatch(SearchExecution::mentionsAttachment);
        }
        return q instanceof SearchQuery.Not n && mentionsAttachment(n.term());
    }
}
