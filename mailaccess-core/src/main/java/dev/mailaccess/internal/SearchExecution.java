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
        List<MessageRef> out = new ArrayList<>();
        for (MessageSummary s : summaries) {
            SearchableMessage.Facts facts = new SearchableMessage.Facts(s.ref(), s.flags(), s.internalDate(),
                    s.size(), s.structure());
            SearchableMessage m = SearchableMessage.headersOnly(NO_BYTES, facts);
            SearchPlan.LocalData have = structure ? SearchPlan.LocalData.STRUCTURE : SearchPlan.LocalData.FACTS;
            boolean matches = true;
            try {
                for (SearchQuery c : conjuncts) {
                    SearchPlan.LocalData need = need(c, nativeServer, structure);
                    if (need.compareTo(have) > 0) {
                        if (need == SearchPlan.LocalData.HEADERS) {
                            m = SearchableMessage.headersOnly(readAll(folder.openHeaders(s.ref())), facts);
                        } else {
                            m = SearchableMessage.of(readAll(folder.openMessage(s.ref())), facts);
                        }
                        have = need;
                    }
                    if (!m.matches(c)) {
                        matches = false;
                        break;
                    }
                }
            } catch (MessageGoneException e) {
                continue; // expunged meanwhile: not a result
            }
            if (matches) {
                out.add(s.ref());
            }
        }
        return List.copyOf(out);
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
