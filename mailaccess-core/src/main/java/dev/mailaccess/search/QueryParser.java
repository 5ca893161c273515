package dev.mailaccess.search;

import dev.mailaccess.Flag;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the text query syntax: whitespace-separated {@code field:value} terms, all of which must match; a leading
 * {@code -} negates a term; values with spaces go in double quotes. Fields: {@code from to cc bcc subject body text}
 * (substring), {@code header:Name=value}, {@code flag:seen|answered|flagged|deleted|draft}, {@code keyword:K},
 * {@code since: before: on:} (sent date, {@code yyyy-mm-dd}), {@code larger: smaller:} (bytes). A bare word searches
 * {@code text}. Example: {@code from:alice subject:"quarterly report" since:2024-01-01 -flag:seen}.
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
     * @throws QuerySyntaxException with the position of the mistake
     */
    public static SearchQuery parse(String input) {
        return new QueryParser(input).parseAll();
    }

    private SearchQuery parseAll() {
        List<SearchQuery> terms = new ArrayList<>();
        skipSpace();
        while (pos < input.length()) {
            terms.add(parseTerm());
            skipSpace();
        }
        if (terms.isEmpty()) {
            return SearchQuery.all();
        }
        return terms.size() == 1 ? terms.get(0) : new SearchQuery.And(terms);
    }

    private SearchQuery parseTerm() {
        int start = pos;
        boolean negate = false;
        if (input.charAt(pos) == '-') {
            negate = true;
            pos++;
        }
        int fieldStart = pos;
        while (pos < input.length() && input.charAt(pos) != ':' && !Character.isWhitespace(input.charAt(pos))
                && input.charAt(pos) != '"') {
            pos++;
        }
        SearchQuery term;
        if (pos < input.length() && input.charAt(pos) == ':') {
            String field = input.substring(fieldStart, pos).toLowerCase(Locale.ROOT);
            pos++;
            int valueStart = pos;
            String value = readValue();
            term = build(field, value, fieldStart, valueStart);
        } else {
            pos = fieldStart;
            String value = readValue();
            term = new SearchQuery.Contains(SearchQuery.Field.TEXT, value);
        }
        if (negate && pos == start + 1) {
            throw new QuerySyntaxException("a '-' must be followed by a term", input, start);
        }
        return negate ? SearchQuery.not(term) : term;
    }

    private String readValue() {
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
            return sb.toString();
        }
        int start = pos;
        while (pos < input.length() && !Character.isWhitespace(input.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw new QuerySyntaxException("missing value", input, start);
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
            case "flag":
                try {
                    return SearchQuery.flag(Flag.valueOf(value.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new QuerySyntaxException("unknown flag '" + value
                            + "' (seen, answered, flagged, deleted, draft)", input, valuePos);
                }
            case "keyword":
                return SearchQuery.keyword(value);
            case "since", "before", "on": {
                LocalDate d;
                try {
                    d = LocalDate.parse(value);
                } catch (DateTimeParseException e) {
                    throw new QuerySyntaxException("not a date (yyyy-mm-dd): '" + value + "'", input, valuePos);
                }
                return new SearchQuery.DateIs(SearchQuery.DateField.SENT,
                        SearchQuery.DateOp.valueOf(field.toUpperCase(Locale.ROOT)), d);
            }
            case "larger", "smaller":
                try {
                    return new SearchQuery.SizeIs(field.equals("larger"), Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new QuerySyntaxException("not a size in bytes: '" + value + "'", input, valuePos);
                }
            default:
                throw new QuerySyntaxException("unknown field '" + field + "'", input, fieldPos);
        }
    }

    private void skipSpace() {
        while (pos < input.length() && Character.isWhitespace(input.charAt(pos))) {
            pos++;
        }
    }
}
