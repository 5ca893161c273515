package dev.mailaccess.search;

import dev.mailaccess.Flag;
import dev.mailaccess.MessageRef;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the text query syntax.
 *
 * <pre>
 * query   = { unit }                      all units must match (AND)
 * unit    = unary { "OR" unary }          OR binds tighter than the implicit AND
 * unary   = "-" unary | "(" query ")" | term
 * term    = field ":" value | value       a bare value searches text (headers and body)
 * value   = word | '"' chars '"'          in quotes, \" and \\ escape; a word ends at space, ( or )
 * </pre>
 *
 * Fields: {@code from to cc bcc subject body text} (case-insensitive substring of the decoded value),
 * {@code header:Name=value} (also {@code header:Name="a value"} and {@code header:"Name=a value"}),
 * {@code message-id:}, {@code flag:seen|answered|flagged|deleted|draft} and {@code noflag:} (the flag is not set),
 * {@code keyword:K} and {@code nokeyword:K}, {@code since: before: on:} (sent date, {@code yyyy-mm-dd}; also
 * {@code sent-since:} etc.), {@code received-since: received-before: received-on:} (internal date),
 * {@code larger: smaller:} (bytes), {@code ref:imap:V:U,pop3:X} (message references), {@code has:attachment}.
 * {@code OR} must be written in capitals; {@code ()} matches everything.
 * Example: {@code from:alice subject:"quarterly report" since:2024-01-01 -flag:seen (to:bob OR cc:bob)}.
 *
 * <p>{@link QueryPrinter} writes a query back in this syntax.
 */
public final class QueryParser {
    private final String input;
    private int pos;

    private QueryParser(String input) {
        this.input = input;
    }

    /**
     * Parses a query.
     *
     * @param input the query text, e.g. {@code from:alice -flag:seen}; empty or blank matches everything
     * @return the query tree
     * @throws QuerySyntaxException with the position of the mistake
     */
    public static SearchQuery parse(String input) {
        QueryParser p = new QueryParser(input);
        SearchQuery q = p.parseSequence(-1);
        return q;
    }

    /** Units until the end, or until the ')' closing the '(' at {@code open} (-1: top level). */
    private SearchQuery parseSequence(int open) {
        List<SearchQuery> units = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= input.length()) {
                if (open >= 0) {
                    throw new QuerySyntaxException("unbalanced parenthesis: this '(' is never closed", input, open);
                }
                break;
            }
            char c = input.charAt(pos);
            if (c == ')') {
                if (open < 0) {
                    throw new QuerySyntaxException("unbalanced parenthesis: ')' without a matching '('", input, pos);
                }
                pos++;
                break;
            }
            if (atOr()) {
                throw new QuerySyntaxException("OR needs a term before it", input, pos);
            }
            units.add(parseOr());
        }
        if (units.isEmpty()) {
            return SearchQuery.all();
        }
        return units.size() == 1 ? units.get(0) : new SearchQuery.And(units);
    }

    private SearchQuery parseOr() {
        List<SearchQuery> alternatives = new ArrayList<>();
        alternatives.add(parseUnary());
        while (true) {
            int save = pos;
            skipSpace();
            if (!atOr()) {
                pos = save;
                break;
            }
            int orPos = pos;
            pos += 2;
            skipSpace();
            if (pos >= input.length() || input.charAt(pos) == ')') {
                throw new QuerySyntaxException("dangling OR: it needs a term after it", input, orPos);
            }
            if (atOr()) {
                throw new QuerySyntaxException("OR OR: a term is missing between them", input, pos);
            }
            alternatives.add(parseUnary());
        }
        return alternatives.size() == 1 ? alternatives.get(0) : new SearchQuery.Or(alternatives);
    }

    private boolean atOr() {
        if (!input.startsWith("OR", pos)) {
            return false;
        }
        int after = pos + 2;
        return after >= input.length() || Character.isWhitespace(input.charAt(after)) || input.charAt(after) == '('
                || input.charAt(after) == ')';
    }

    private SearchQuery parseUnary() {
        int start = pos;
        char c = input.charAt(pos);
        if (c == '-') {
            pos++;
            if (pos >= input.length() || Character.isWhitespace(input.charAt(pos)) || input.charAt(pos) == ')') {
                throw new QuerySyntaxException("a '-' must be followed by a term or a group", input, start);
            }
            if (atOr()) {
                throw new QuerySyntaxException("a '-' cannot negate OR", input, start);
            }
            return SearchQuery.not(parseUnary());
        }
        if (c == '(') {
            pos++;
            return parseSequence(start);
        }
        return parseTerm();
    }

    private SearchQuery parseTerm() {
        int fieldStart = pos;
        while (pos < input.length() && input.charAt(pos) != ':' && !isDelimiter(input.charAt(pos))
                && input.charAt(pos) != '"') {
            pos++;
        }
        if (pos < input.length() && input.charAt(pos) == ':' && pos > fieldStart) {
            String field = input.substring(fieldStart, pos).toLowerCase(Locale.ROOT);
            pos++;
            int valueStart = pos;
            if (field.equals("header") && pos < input.length() && input.charAt(pos) != '"') {
                // header:Name="value with spaces"
                int eq = pos;
                while (eq < input.length() && input.charAt(eq) != '=' && !isDelimiter(input.charAt(eq))) {
                    eq++;
                }
                if (eq < input.length() && input.charAt(eq) == '=' && eq > pos && eq + 1 < input.length()
                        && input.charAt(eq + 1) == '"') {
                    String name = input.substring(pos, eq);
                    pos = eq + 1;
                    return new SearchQuery.HeaderContains(name, readValue(fieldStart, field));
                }
            }
            String value = readValue(fieldStart, field);
            return build(field, value, fieldStart, valueStart);
        }
        pos = fieldStart;
        String value = readValue(fieldStart, null);
        return new SearchQuery.Contains(SearchQuery.Field.TEXT, value);
    }

    private static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || c == '(' || c == ')';
    }

    private String readValue(int termStart, String field) {
        if (pos < input.length() && input.charAt(pos) == '"') {
            int open = pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < input.length() && input.charAt(pos) != '"') {
                if (input.charAt(pos) == '\\' && pos + 1 < input.length()) {
                    pos++;
                }
                sb.append(input.charAt(pos++));
            }
            if (pos >= input.length()) {
                throw new QuerySyntaxException("unclosed quote", input, open);
            }
            pos++;
            if (pos < input.length() && !isDelimiter(input.charAt(pos))) {
                throw new QuerySyntaxException("a space or parenthesis must follow a closing quote", input, pos);
            }
            return sb.toString();
        }
        int start = pos;
        while (pos < input.length() && !isDelimiter(input.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw new QuerySyntaxException(field == null ? "missing term" : "missing value after '" + field + ":'",
                    input, start);
        }
        return input.substring(start, pos);
    }

    private SearchQuery build(String field, String value, int fieldPos, int valuePos) {
        switch (field) {
            case "from", "to", "cc", "bcc", "subject", "body", "text":
                return new SearchQuery.Contains(SearchQuery.Field.valueOf(field.toUpperCase(Locale.ROOT)), value);
            case "header": {
                int eq = value.indexOf('=');
                if (eq <= 0) {
                    throw new QuerySyntaxException("header needs Name=value", input, valuePos);
                }
                return new SearchQuery.HeaderContains(value.substring(0, eq), value.substring(eq + 1));
            }
            case "message-id", "messageid":
                return SearchQuery.messageId(value);
            case "flag", "noflag":
                try {
                    return new SearchQuery.FlagIs(Flag.valueOf(value.toUpperCase(Locale.ROOT)), field.equals("flag"));
                } catch (IllegalArgumentException e) {
                    throw new QuerySyntaxException("unknown flag '" + value
                            + "' (seen, answered, flagged, deleted, draft)", input, valuePos);
                }
            case "keyword", "nokeyword":
                return new SearchQuery.KeywordIs(value, field.equals("keyword"));
            case "since", "before", "on", "sent-since", "sent-before", "sent-on",
                    "received-since", "received-before", "received-on": {
                LocalDate d;
                try {
                    d = LocalDate.parse(value);
                } catch (DateTimeParseException e) {
                    throw new QuerySyntaxException("not a date (yyyy-mm-dd): '" + value + "'", input, valuePos);
                }
                SearchQuery.DateField df = field.startsWith("received-") ? SearchQuery.DateField.RECEIVED
                        : SearchQuery.DateField.SENT;
                String op = field.substring(field.indexOf('-') + 1);
                return new SearchQuery.DateIs(df, SearchQuery.DateOp.valueOf(op.toUpperCase(Locale.ROOT)), d);
            }
            case "larger", "smaller": {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || !value.chars().allMatch(Character::isDigit)) {
                    throw new QuerySyntaxException("not a size in bytes: '" + value + "'", input, valuePos);
                }
                return new SearchQuery.SizeIs(field.equals("larger"), n);
            }
            case "ref": {
                Set<MessageRef> refs = new LinkedHashSet<>();
                int at = valuePos;
                for (String part : value.split(",", -1)) {
                    if (!value.isEmpty()) {
                        try {
                            refs.add(MessageRef.parse(part));
                        } catch (IllegalArgumentException e) {
                            throw new QuerySyntaxException("not a message reference: '" + part
                                    + "' (imap:<uidvalidity>:<uid> or pop3:<uidl>)", input, at);
                        }
                    }
                    at += part.length() + 1;
                }
                return new SearchQuery.RefIn(refs);
            }
            case "has":
                if (value.equalsIgnoreCase("attachment")) {
                    return SearchQuery.hasAttachment();
                }
                throw new QuerySyntaxException("unknown has: value '" + value + "' (has:attachment)", input, valuePos);
            default:
                throw new QuerySyntaxException("unknown field '" + field + "' (from to cc bcc subject body text "
                        + "header message-id flag noflag keyword nokeyword since before on received-since "
                        + "received-before received-on larger smaller ref has)", input, fieldPos);
        }
    }

    private void skipSpace() {
        while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
            pos++;
        }
    }
}
