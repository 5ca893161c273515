package dev.mailaccess.search;

import dev.mailaccess.MessageRef;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a {@link SearchQuery} in the text syntax of {@link QueryParser}, such that
 * {@code QueryParser.parse(QueryPrinter.print(q)).equals(q)} for every query whose {@code And} and {@code Or} nodes
 * have at least two terms (an {@code And} or {@code Or} of one term prints as that term; an {@code And} of none
 * prints as {@code ()}, which parses as {@link SearchQuery.All}, an {@code Or} of none as {@code -()}).
 */
public final class QueryPrinter {
    private QueryPrinter() {
    }

    /**
     * The query in the text syntax; {@link QueryParser#parse} reads it back as an equal query.
     *
     * @param q the query
     * @return its text; {@link SearchQuery.All} at the top prints as the empty string
     */
    public static String print(SearchQuery q) {
        if (q instanceof SearchQuery.All) {
            return "";
        }
        return sequence(q);
    }

    private static String sequence(SearchQuery q) {
        if (q instanceof SearchQuery.And a && a.terms().size() >= 2) {
            return a.terms().stream().map(QueryPrinter::unit).collect(Collectors.joining(" "));
        }
        return unit(q);
    }

    /** An element of an AND sequence: an OR chain or a unary. */
    private static String unit(SearchQuery q) {
        if (q instanceof SearchQuery.Or o && o.terms().size() >= 2) {
            return o.terms().stream().map(QueryPrinter::unary).collect(Collectors.joining(" OR "));
        }
        return unary(q);
    }

    private static String unary(SearchQuery q) {
        if (q instanceof SearchQuery.All) {
            return "()";
        }
        if (q instanceof SearchQuery.And a) {
            return a.terms().isEmpty() ? "()" : a.terms().size() == 1 ? unary(a.terms().get(0))
                    : "(" + sequence(q) + ")";
        }
        if (q instanceof SearchQuery.Or o) {
            return o.terms().isEmpty() ? "-()" : o.terms().size() == 1 ? unary(o.terms().get(0))
                    : "(" + unit(q) + ")";
        }
        if (q instanceof SearchQuery.Not n) {
            return "-" + unary(n.term());
        }
        return term(q);
    }

    private static String term(SearchQuery q) {
        if (q instanceof SearchQuery.Contains c) {
            return c.field().name().toLowerCase(Locale.ROOT) + ":" + value(c.text());
        }
        if (q instanceof SearchQuery.HeaderContains h) {
            if (h.name().equals("Message-ID")) {
                return "message-id:" + value(h.text());
            }
            return "header:" + value(h.name() + "=" + h.text());
        }
        if (q instanceof SearchQuery.DateIs d) {
            String op = d.op().name().toLowerCase(Locale.ROOT);
            return (d.field() == SearchQuery.DateField.RECEIVED ? "received-" + op : op) + ":" + d.date();
        }
        if (q instanceof SearchQuery.SizeIs s) {
            return (s.larger() ? "larger:" : "smaller:") + s.bytes();
        }
        if (q instanceof SearchQuery.FlagIs f) {
            return (f.set() ? "flag:" : "noflag:") + f.flag().name().toLowerCase(Locale.ROOT);
        }
        if (q instanceof SearchQuery.KeywordIs k) {
            return (k.set() ? "keyword:" : "nokeyword:") + value(k.keyword());
        }
        if (q instanceof SearchQuery.RefIn r) {
            return "ref:" + value(r.refs().stream().map(MessageRef::toString).sorted()
                    .collect(Collectors.joining(",")));
        }
        if (q instanceof SearchQuery.HasAttachment) {
            return "has:attachment";
        }
        throw new IllegalArgumentException("unknown query node " + q);
    }

    /** A value, quoted where it is empty or holds a space, quote, backslash or parenthesis. */
    static String value(String v) {
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = !(Character.isWhitespace(c) || c == '"' || c == '\\' || c == '(' || c == ')');
        }
        if (plain) {
            return v;
        }
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
