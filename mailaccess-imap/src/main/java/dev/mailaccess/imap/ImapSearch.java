package dev.mailaccess.imap;

import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.SortKey;
import dev.mailaccess.angus.internal.SearchTerms;
import dev.mailaccess.internal.ImapSearchSyntax;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.search.SearchTerm;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.SortTerm;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Server-side search and sort of an {@link ImapFolder}: {@code UID SEARCH} and {@code SORT}, answered with UIDs. */
final class ImapSearch {
    private final SelectedFolder selected;

    ImapSearch(SelectedFolder selected) {
        this.selected = selected;
    }

    /**
     * One {@code UID SEARCH} with the criteria of {@link ImapSearchSyntax} ({@code CHARSET UTF-8} and literals where
     * a string is not ASCII): the server answers with UIDs, so the result needs no further round trip. Core calls
     * this only with the server part of a plan (no {@code has:attachment}).
     */
    List<MessageRef> search(SearchQuery query) {
        if (!ImapSearchSyntax.expressible(query)) {
            throw new IllegalArgumentException("no IMAP SEARCH key for " + query.toQueryString()
                    + "; search through Mailbox.folder(), which plans a local residual");
        }
        List<ImapSearchSyntax.Token> tokens = ImapSearchSyntax.tokens(query, selected.uidValidity);
        boolean utf8 = ImapSearchSyntax.needsUtf8(tokens);
        return selected.call("searching", null, () -> {
            Object result = selected.folder.doCommand(p -> {
                Argument args = criteria(tokens);
                Response[] r = p.command(utf8 ? "UID SEARCH CHARSET UTF-8" : "UID SEARCH", args);
                Response status = r[r.length - 1];
                java.util.TreeSet<Long> uids = new java.util.TreeSet<>();
                if (status.isOK()) {
                    for (Response each : r) {
                        if (each instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
                            long uid;
                            while ((uid = ir.readLong()) != -1) {
                                uids.add(uid);
                            }
                        }
                    }
                }
                p.notifyResponseHandlers(r);
                p.handleResult(status);
                return uids;
            });
            selected.ensureOpen();
            List<MessageRef> out = new ArrayList<>();
            for (Object uid : (java.util.Set<?>) result) {
                out.add(MessageRef.imap(selected.uidValidity, (Long) uid));
            }
            return List.copyOf(out);
        });
    }

    /** The search criteria as command arguments: atoms, strings (literals where not ASCII) and parentheses. */
    private static Argument criteria(List<ImapSearchSyntax.Token> tokens) {
        Argument args = new Argument();
        java.util.ArrayDeque<Argument> stack = new java.util.ArrayDeque<>();
        Argument current = args;
        for (ImapSearchSyntax.Token t : tokens) {
            switch (t.kind()) {
                case ATOM -> current.writeAtom(t.text());
                case STRING -> current.writeString(t.text(), StandardCharsets.UTF_8);
                case OPEN -> {
                    stack.push(current);
                    current = new Argument();
                }
                case CLOSE -> {
                    Argument inner = current;
                    current = stack.pop();
                    current.writeArgument(inner);
                }
            }
        }
        return args;
    }

    /**
     * One {@code UID THREAD algorithm UTF-8 criteria} (RFC 5256): the server's threads, with UIDs. Core hands over
     * only queries the server can answer whole.
     */
    List<MessageThread> threads(ThreadAlgorithm algorithm, SearchQuery query) {
        if (!ImapSearchSyntax.expressible(query)) {
            throw new IllegalArgumentException("no IMAP SEARCH key for " + query.toQueryString());
        }
        List<ImapSearchSyntax.Token> tokens = ImapSearchSyntax.tokens(query, selected.uidValidity);
        return selected.call("threading", null, () -> {
            Object result = selected.folder.doCommand(p -> {
                Response[] r = p.command("UID THREAD " + algorithm.imapName() + " UTF-8", criteria(tokens));
                Response status = r[r.length - 1];
                List<MessageThread> threads = new ArrayList<>();
                if (status.isOK()) {
                    for (Response each : r) {
                        if (each instanceof IMAPResponse ir && ir.keyEquals("THREAD")) {
                            threads.addAll(ThreadAnswer.parse(ir.getRest(), selected.uidValidity));
                        }
                    }
                }
                p.notifyResponseHandlers(r);
                p.handleResult(status);
                return threads;
            });
            selected.ensureOpen();
            @SuppressWarnings("unchecked")
            List<MessageThread> threads = (List<MessageThread>) result;
            return List.copyOf(threads);
        });
    }

    List<MessageRef> sort(List<SortKey> keys, SearchQuery query) {
        return selected.call("sorting", null, () -> {
            List<SortTerm> terms = new ArrayList<>();
            for (SortKey k : keys) {
                if (k.reverse()) {
                    terms.add(SortTerm.REVERSE);
                }
                terms.add(switch (k.field()) {
                    case ARRIVAL -> SortTerm.ARRIVAL;
                    case DATE -> SortTerm.DATE;
                    case FROM -> SortTerm.FROM;
                    case TO -> SortTerm.TO;
                    case CC -> SortTerm.CC;
                    case SUBJECT -> SortTerm.SUBJECT;
                    case SIZE -> SortTerm.SIZE;
                });
            }
            if (terms.isEmpty()) {
                terms.add(SortTerm.ARRIVAL);
            }
            SearchTerm term = SearchTerms.toTerm(query == null ? SearchQuery.all() : query);
            return selected.refsOf(selected.folder.getSortedMessages(terms.toArray(new SortTerm[0]), term));
        });
    }
}
