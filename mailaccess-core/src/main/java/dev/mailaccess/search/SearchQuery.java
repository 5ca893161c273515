package dev.mailaccess.search;

import dev.mailaccess.Flag;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * A search criterion tree: and / or / not over header, body, date, size and flag predicates. Immutable values; build
 * with the static factories ({@code SearchQuery.and(from("alice"), not(flag(Flag.SEEN)))}) or parse the text syntax
 * with {@link QueryParser}. String matches are case-insensitive substring matches on decoded values, as in IMAP.
 */
public sealed interface SearchQuery {

    /** Fields a text predicate can match. */
    enum Field { FROM, TO, CC, BCC, SUBJECT, BODY, TEXT }

    /** Which date a date predicate compares. */
    enum DateField { SENT, RECEIVED }

    /** How a date predicate compares, by day. */
    enum DateOp { BEFORE, ON, SINCE }

    /** Matches every message. */
    record All() implements SearchQuery {
    }

    /** All sub-queries match. */
    record And(List<SearchQuery> terms) implements SearchQuery {
        public And {
            terms = List.copyOf(terms);
        }
    }

    /** At least one sub-query matches. */
    record Or(List<SearchQuery> terms) implements SearchQuery {
        public Or {
            terms = List.copyOf(terms);
        }
    }

    /** The sub-query does not match. */
    record Not(SearchQuery term) implements SearchQuery {
        public Not {
            Objects.requireNonNull(term);
        }
    }

    /** The field contains the text (case-insensitive). */
    record Contains(Field field, String text) implements SearchQuery {
        public Contains {
            Objects.requireNonNull(field);
            Objects.requireNonNull(text);
        }
    }

    /** A header, by name, contains the text (case-insensitive). */
    record HeaderContains(String name, String text) implements SearchQuery {
        public HeaderContains {
            Objects.requireNonNull(name);
            Objects.requireNonNull(text);
        }
    }

    /** A date compared by day. */
    record DateIs(DateField field, DateOp op, LocalDate date) implements SearchQuery {
        public DateIs {
            Objects.requireNonNull(field);
            Objects.requireNonNull(op);
            Objects.requireNonNull(date);
        }
    }

    /** Size in bytes larger (true) or smaller (false) than a bound. */
    record SizeIs(boolean larger, long bytes) implements SearchQuery {
    }

    /** A system flag is set (or not). */
    record FlagIs(Flag flag, boolean set) implements SearchQuery {
        public FlagIs {
            Objects.requireNonNull(flag);
        }
    }

    /** A keyword is set (or not). */
    record KeywordIs(String keyword, boolean set) implements SearchQuery {
        public KeywordIs {
            Objects.requireNonNull(keyword);
        }
    }

    static SearchQuery all() {
        return new All();
    }

    static SearchQuery and(SearchQuery... terms) {
        return new And(List.of(terms));
    }

    static SearchQuery or(SearchQuery... terms) {
        return new Or(List.of(terms));
    }

    static SearchQuery not(SearchQuery term) {
        return new Not(term);
    }

    static SearchQuery from(String text) {
        return new Contains(Field.FROM, text);
    }

    static SearchQuery to(String text) {
        return new Contains(Field.TO, text);
    }

    static SearchQuery cc(String text) {
        return new Contains(Field.CC, text);
    }

    static SearchQuery subject(String text) {
        return new Contains(Field.SUBJECT, text);
    }

    static SearchQuery body(String text) {
        return new Contains(Field.BODY, text);
    }

    static SearchQuery text(String text) {
        return new Contains(Field.TEXT, text);
    }

    static SearchQuery header(String name, String text) {
        return new HeaderContains(name, text);
    }

    static SearchQuery flag(Flag flag) {
        return new FlagIs(flag, true);
    }

    static SearchQuery keyword(String keyword) {
        return new KeywordIs(keyword, true);
    }

    static SearchQuery sentSince(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.SINCE, date);
    }

    static SearchQuery sentBefore(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.BEFORE, date);
    }

    static SearchQuery larger(long bytes) {
        return new SizeIs(true, bytes);
    }

    static SearchQuery smaller(long bytes) {
        return new SizeIs(false, bytes);
    }

    /** True if answering needs message flags (which POP3 does not keep). */
    default boolean needsFlags() {
        if (this instanceof FlagIs || this instanceof KeywordIs) {
            return true;
        }
        if (this instanceof And a) {
            return a.terms().stream().anyMatch(SearchQuery::needsFlags);
        }
        if (this instanceof Or o) {
            return o.terms().stream().anyMatch(SearchQuery::needsFlags);
        }
        return this instanceof Not n && n.term().needsFlags();
    }
}
