package dev.mailaccess.internal;

import dev.mailaccess.MessageRef;
import dev.mailaccess.search.SearchQuery;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Renders a {@link SearchQuery} as IMAP SEARCH criteria (RFC 3501 section 6.4.4): as tokens for an adapter to send
 * (strings as quoted strings or literals) and as text for {@code explain}. Internal: not part of the API.
 */
public final class ImapSearchSyntax {
    private ImapSearchSyntax() {
    }

    /** One token of the criteria. */
    public record Token(Kind kind, String text) {
        /** Token kinds: an atom (sent as is), a string (quoted or literal), or a parenthesis. */
        public enum Kind { ATOM, STRING, OPEN, CLOSE }
    }

    /** True if the query has a predicate no IMAP SEARCH can express. */
    public static boolean expressible(SearchQuery q) {
        if (q instanceof SearchQuery.HasAttachment) {
            return false;
        }
        if (q instanceof SearchQuery.And a) {
            return a.terms().stream().allMatch(ImapSearchSyntax::expressible);
        }
        if (q instanceof SearchQuery.Or o) {
            return o.terms().stream().allMatch(ImapSearchSyntax::expressible);
        }
        if (q instanceof SearchQuery.Not n) {
            return expressible(n.term());
        }
        return true;
    }

    /**
     * The criteria tokens. {@code uidValidity} filters {@link SearchQuery.RefIn} refs to this folder's (0: keep every
     * IMAP ref, for display).
     */
    public static List<Token> tokens(SearchQuery q, long uidValidity) {
        List<Token> out = new ArrayList<>();
        write(q, uidValidity, out);
        return out;
    }

    /** True if a string of the criteria is not ASCII, so that the command needs {@code CHARSET UTF-8}. */
    public static boolean needsUtf8(List<Token> tokens) {
        return tokens.stream().anyMatch(t -> t.kind() == Token.Kind.STRING
                && !t.text().chars().allMatch(c -> c < 128));
    }

    /** The whole command as text, e.g. {@code UID SEARCH CHARSET UTF-8 SUBJECT "Grüße"}. */
    public static String command(SearchQuery q, long uidValidity) {
        List<Token> tokens = tokens(q, uidValidity);
        return "UID SEARCH " + (needsUtf8(tokens) ? "CHARSET UTF-8 " : "") + text(tokens);
    }

    /** Tokens as text, strings quoted. */
    public static String text(List<Token> tokens) {
        StringBuilder sb = new StringBuilder();
        Token prev = null;
        for (Token t : tokens) {
            if (prev != null && prev.kind() != Token.Kind.OPEN && t.kind() != Token.Kind.CLOSE) {
                sb.append(' ');
            }
            switch (t.kind()) {
                case OPEN -> sb.append('(');
                case CLOSE -> sb.append(')');
                case ATOM -> sb.append(t.text());
                case STRING -> sb.append('"').append(t.text().replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
            prev = t;
        }
        return sb.toString();
    }

    private static void atom(List<Token> out, String s) {
        out.add(new Token(Token.Kind.ATOM, s));
    }

    private static void string(List<Token> out, String s) {
        out.add(new Token(Token.Kind.STRING, s));
    }

    /**
     * Writes a query. Criteria are written without parentheses: a top-level AND is juxtaposition, an AND that is the
     * operand of OR or NOT is written by De Morgan as {@code NOT OR NOT a NOT b}. Equivalent for every server, and
     * the only form GreenMail's parser handles (it fails on {@code OR (a b) c}).
     */
    private static void write(SearchQuery q, long uidValidity, List<Token> out) {
        if (q instanceof SearchQuery.And a && a.terms().size() >= 2) {
            for (SearchQuery t : a.terms()) {
                write(t, uidValidity, out);
            }
        } else {
            operand(q, uidValidity, out);
        }
    }

    /** One search key: what OR and NOT take as an operand. */
    private static void operand(SearchQuery q, long uidValidity, List<Token> out) {
        if (q instanceof SearchQuery.All) {
            atom(out, "ALL");
        } else if (q instanceof SearchQuery.And a) {
            if (a.terms().isEmpty()) {
                atom(out, "ALL");
            } else if (a.terms().size() == 1) {
                operand(a.terms().get(0), uidValidity, out);
            } else {
                atom(out, "NOT");
                writeOrOfNegations(a.terms(), uidValidity, out);
            }
        } else if (q instanceof SearchQuery.Or o) {
            writeOr(o.terms(), uidValidity, out);
        } else if (q instanceof SearchQuery.Not n) {
            atom(out, "NOT");
            operand(n.term(), uidValidity, out);
        } else if (q instanceof SearchQuery.Contains c) {
            atom(out, c.field().name());
            string(out, c.text());
        } else if (q instanceof SearchQuery.HeaderContains h) {
            atom(out, "HEADER");
            string(out, h.name());
            string(out, h.text());
        } else if (q instanceof SearchQuery.DateIs d) {
            String op = d.op().name();
            atom(out, d.field() == SearchQuery.DateField.SENT ? "SENT" + op : op);
            atom(out, imapDate(d.date()));
        } else if (q instanceof SearchQuery.SizeIs s) {
            atom(out, s.larger() ? "LARGER" : "SMALLER");
            atom(out, Long.toString(s.bytes()));
        } else if (q instanceof SearchQuery.FlagIs f) {
            String name = f.flag().name();
            atom(out, f.set() ? name : "UN" + name);
        } else if (q instanceof SearchQuery.KeywordIs k) {
            atom(out, k.set() ? "KEYWORD" : "UNKEYWORD");
            atom(out, k.keyword());
        } else if (q instanceof SearchQuery.RefIn r) {
            TreeSet<Long> uids = new TreeSet<>();
            for (MessageRef ref : r.refs()) {
                if (ref.isImap() && (uidValidity == 0 || ref.uidValidity() == uidValidity)) {
                    uids.add(ref.uid());
                }
            }
            if (uids.isEmpty()) {
                atom(out, "NOT");
                atom(out, "ALL");
            } else {
                atom(out, "UID");
                atom(out, uidSet(uids));
            }
        } else {
            throw new IllegalArgumentException("no IMAP SEARCH key for " + q);
        }
    }

    /** {@code OR NOT a OR NOT b NOT c}: true unless every term holds. */
    private static void writeOrOfNegations(List<SearchQuery> terms, long uidValidity, List<Token> out) {
        if (terms.size() == 1) {
            atom(out, "NOT");
            operand(terms.get(0), uidValidity, out);
            return;
        }
        atom(out, "OR");
        atom(out, "NOT");
        operand(terms.get(0), uidValidity, out);
        writeOrOfNegations(terms.subList(1, terms.size()), uidValidity, out);
    }

    private static void writeOr(List<SearchQuery> terms, long uidValidity, List<Token> out) {
        if (terms.isEmpty()) {
            atom(out, "NOT");
            atom(out, "ALL");
        } else if (terms.size() == 1) {
            operand(terms.get(0), uidValidity, out);
        } else {
            atom(out, "OR");
            operand(terms.get(0), uidValidity, out);
            writeOr(terms.subList(1, terms.size()), uidValidity, out);
        }
    }

    /** {@code 1:3,7,9:10} */
    static String uidSet(TreeSet<Long> uids) {
        StringBuilder sb = new StringBuilder();
        Long start = null;
        Long prev = null;
        for (long u : uids) {
            if (prev != null && u == prev + 1) {
                prev = u;
                continue;
            }
            if (start != null) {
                appendRange(sb, start, prev);
            }
            start = u;
            prev = u;
        }
        appendRange(sb, start, prev);
        return sb.toString();
    }

    private static void appendRange(StringBuilder sb, long a, long b) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        sb.append(a);
        if (b != a) {
            sb.append(':').append(b);
        }
    }

    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    /** {@code 1-Feb-2024} */
    static String imapDate(LocalDate d) {
        return d.getDayOfMonth() + "-" + MONTHS[d.getMonthValue() - 1] + "-" + String.format(Locale.ROOT, "%04d",
                d.getYear());
    }
}
