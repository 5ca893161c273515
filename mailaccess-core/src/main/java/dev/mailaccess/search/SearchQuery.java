package dev.mailaccess.search;

import dev.mailaccess.Flag;
import dev.mailaccess.MessageRef;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A search criterion tree: and / or / not over header, body, date, size and flag predicates. Immutable values; build
 * with the static factories ({@code SearchQuery.and(from("alice"), not(flag(Flag.SEEN)))}) or parse the text syntax
 * with {@link QueryParser}. String matches are case-insensitive substring matches on decoded values, as in IMAP.
 *
 * <p>{@link QueryPrinter} writes a query back in the text syntax; {@link SearchPlanner} decides which part a server
 * answers; {@link SearchableMessage} evaluates a query locally on a message's raw bytes.
 */
public sealed interface SearchQuery {

    /** Fields a text predicate can match. */
    enum Field {
        /** Each From address, as {@code Name <local@domain>}. */
        FROM,
        /** Each To address, as {@code Name <local@domain>}. */
        TO,
        /** Each Cc address, as {@code Name <local@domain>}. */
        CC,
        /** Each Bcc address, as {@code Name <local@domain>}. */
        BCC,
        /** The decoded Subject. */
        SUBJECT,
        /** The decoded text of the message's text parts. */
        BODY,
        /** Any header line of the message or of its parts, or the body. */
        TEXT
    }

    /** Which date a date predicate compares. */
    enum DateField {
        /** The Date header, by the day written in it. */
        SENT,
        /** The server's received date (internal date), by day (evaluated locally: in the JVM's default zone). */
        RECEIVED
    }

    /** How a date predicate compares, by day. */
    enum DateOp {
        /** Strictly before the day. */
        BEFORE,
        /** On the day. */
        ON,
        /** On the day or later. */
        SINCE
    }

    /** Matches every message. */
    record All() implements SearchQuery {
    }

    /**
     * All sub-queries match.
     *
     * @param terms the sub-queries; none matches every message
     */
    record And(List<SearchQuery> terms) implements SearchQuery {
        /**
         * Copies the terms.
         *
         * @param terms the sub-queries; must not be null
         */
        public And {
            terms = List.copyOf(terms);
        }
    }

    /**
     * At least one sub-query matches.
     *
     * @param terms the sub-queries; none matches no message
     */
    record Or(List<SearchQuery> terms) implements SearchQuery {
        /**
         * Copies the terms.
         *
         * @param terms the sub-queries; must not be null
         */
        public Or {
            terms = List.copyOf(terms);
        }
    }

    /**
     * The sub-query does not match.
     *
     * @param term the negated sub-query
     */
    record Not(SearchQuery term) implements SearchQuery {
        /**
         * Checks the term.
         *
         * @param term the negated sub-query
         * @throws NullPointerException if {@code term} is null
         */
        public Not {
            Objects.requireNonNull(term);
        }
    }

    /**
     * The field contains the text (case-insensitive).
     *
     * @param field where to look
     * @param text  the text to find
     */
    record Contains(Field field, String text) implements SearchQuery {
        /**
         * Checks the values.
         *
         * @param field where to look
         * @param text  the text to find
         * @throws NullPointerException if either is null
         */
        public Contains {
            Objects.requireNonNull(field);
            Objects.requireNonNull(text);
        }
    }

    /**
     * A header, by name, contains the text (case-insensitive).
     *
     * @param name the header's name, e.g. {@code List-Id}, in any case
     * @param text the text to find; empty matches every message that has the header
     */
    record HeaderContains(String name, String text) implements SearchQuery {
        /**
         * Checks the values.
         *
         * @param name the header's name
         * @param text the text to find
         * @throws NullPointerException if either is null
         */
        public HeaderContains {
            Objects.requireNonNull(name);
            Objects.requireNonNull(text);
        }
    }

    /**
     * A date compared by day.
     *
     * @param field which date of the message
     * @param op    how to compare it
     * @param date  the day to compare with
     */
    record DateIs(DateField field, DateOp op, LocalDate date) implements SearchQuery {
        /**
         * Checks the values.
         *
         * @param field which date of the message
         * @param op    how to compare it
         * @param date  the day to compare with
         * @throws NullPointerException if any is null
         */
        public DateIs {
            Objects.requireNonNull(field);
            Objects.requireNonNull(op);
            Objects.requireNonNull(date);
        }
    }

    /**
     * Size in bytes larger (true) or smaller (false) than a bound.
     *
     * @param larger true for strictly larger, false for strictly smaller
     * @param bytes  the bound in bytes
     */
    record SizeIs(boolean larger, long bytes) implements SearchQuery {
    }

    /**
     * A system flag is set (or not).
     *
     * @param flag the flag
     * @param set  true to match messages with the flag, false those without it
     */
    record FlagIs(Flag flag, boolean set) implements SearchQuery {
        /**
         * Checks the flag.
         *
         * @param flag the flag
         * @param set  true to match messages with the flag, false those without it
         * @throws NullPointerException if {@code flag} is null
         */
        public FlagIs {
            Objects.requireNonNull(flag);
        }
    }

    /**
     * A keyword is set (or not).
     *
     * @param keyword the keyword, case as stored
     * @param set     true to match messages with the keyword, false those without it
     */
    record KeywordIs(String keyword, boolean set) implements SearchQuery {
        /**
         * Checks the keyword.
         *
         * @param keyword the keyword
         * @param set     true to match messages with the keyword, false those without it
         * @throws NullPointerException if {@code keyword} is null
         */
        public KeywordIs {
            Objects.requireNonNull(keyword);
        }
    }

    /**
     * The message is one of these (IMAP: a UID set; refs of another UIDVALIDITY or protocol never match).
     *
     * @param refs the messages
     */
    record RefIn(Set<MessageRef> refs) implements SearchQuery {
        /**
         * Copies the set.
         *
         * @param refs the messages; must not be null
         */
        public RefIn {
            refs = Set.copyOf(refs);
        }
    }

    /**
     * The message has an attachment: a non-multipart part other than the message's own body whose
     * {@code Content-Disposition} is {@code attachment}, or which has a file name
     * ({@link dev.mailaccess.BodyPart#isAttachment()}).
     * No IMAP server answers this; it is always evaluated locally (from the structure or the raw message).
     */
    record HasAttachment() implements SearchQuery {
    }

    /**
     * Matches every message.
     *
     * @return the query
     */
    static SearchQuery all() {
        return new All();
    }

    /**
     * All of the terms.
     *
     * @param terms the sub-queries
     * @return the query
     */
    static SearchQuery and(SearchQuery... terms) {
        return new And(List.of(terms));
    }

    /**
     * Any of the terms.
     *
     * @param terms the sub-queries
     * @return the query
     */
    static SearchQuery or(SearchQuery... terms) {
        return new Or(List.of(terms));
    }

    /**
     * The term does not match.
     *
     * @param term the sub-query
     * @return the query
     */
    static SearchQuery not(SearchQuery term) {
        return new Not(term);
    }

    /**
     * From contains the text.
     *
     * @param text text to find in a From address, e.g. {@code alice} or {@code example.org}
     * @return the query
     */
    static SearchQuery from(String text) {
        return new Contains(Field.FROM, text);
    }

    /**
     * To contains the text.
     *
     * @param text text to find in a To address
     * @return the query
     */
    static SearchQuery to(String text) {
        return new Contains(Field.TO, text);
    }

    /**
     * Cc contains the text.
     *
     * @param text text to find in a Cc address
     * @return the query
     */
    static SearchQuery cc(String text) {
        return new Contains(Field.CC, text);
    }

    /**
     * Subject contains the text.
     *
     * @param text text to find in the decoded subject
     * @return the query
     */
    static SearchQuery subject(String text) {
        return new Contains(Field.SUBJECT, text);
    }

    /**
     * The body (text parts, decoded) contains the text.
     *
     * @param text text to find
     * @return the query
     */
    static SearchQuery body(String text) {
        return new Contains(Field.BODY, text);
    }

    /**
     * Headers or body contain the text.
     *
     * @param text text to find
     * @return the query
     */
    static SearchQuery text(String text) {
        return new Contains(Field.TEXT, text);
    }

    /**
     * The named header contains the text.
     *
     * @param name the header's name, e.g. {@code List-Id}
     * @param text text to find in its decoded value; empty matches every message that has the header
     * @return the query
     */
    static SearchQuery header(String name, String text) {
        return new HeaderContains(name, text);
    }

    /**
     * The system flag is set.
     *
     * @param flag the flag
     * @return the query
     */
    static SearchQuery flag(Flag flag) {
        return new FlagIs(flag, true);
    }

    /**
     * The keyword is set.
     *
     * @param keyword the keyword, case as stored
     * @return the query
     */
    static SearchQuery keyword(String keyword) {
        return new KeywordIs(keyword, true);
    }

    /**
     * Sent (Date header) on or after the day.
     *
     * @param date the first day
     * @return the query
     */
    static SearchQuery sentSince(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.SINCE, date);
    }

    /**
     * Sent (Date header) before the day.
     *
     * @param date the day after the last one
     * @return the query
     */
    static SearchQuery sentBefore(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.BEFORE, date);
    }

    /**
     * Larger than the size in bytes.
     *
     * @param bytes the bound, not included
     * @return the query
     */
    static SearchQuery larger(long bytes) {
        return new SizeIs(true, bytes);
    }

    /**
     * Smaller than the size in bytes.
     *
     * @param bytes the bound, not included
     * @return the query
     */
    static SearchQuery smaller(long bytes) {
        return new SizeIs(false, bytes);
    }

    /**
     * Bcc contains the text.
     *
     * @param text text to find in a Bcc address
     * @return the query
     */
    static SearchQuery bcc(String text) {
        return new Contains(Field.BCC, text);
    }

    /**
     * The Message-ID header contains the text (e.g. {@code <id@host>}).
     *
     * @param id the id or part of it
     * @return the query
     */
    static SearchQuery messageId(String id) {
        return new HeaderContains("Message-ID", id);
    }

    /**
     * Sent (Date header) on the day.
     *
     * @param date the day
     * @return the query
     */
    static SearchQuery sentOn(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.ON, date);
    }

    /**
     * Received (internal date) on or after the day.
     *
     * @param date the first day
     * @return the query
     */
    static SearchQuery receivedSince(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.SINCE, date);
    }

    /**
     * Received (internal date) before the day.
     *
     * @param date the day after the last one
     * @return the query
     */
    static SearchQuery receivedBefore(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.BEFORE, date);
    }

    /**
     * Received (internal date) on the day.
     *
     * @param date the day
     * @return the query
     */
    static SearchQuery receivedOn(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.ON, date);
    }

    /**
     * One of these messages.
     *
     * @param refs the messages
     * @return the query
     */
    static SearchQuery refIn(Set<MessageRef> refs) {
        return new RefIn(refs);
    }

    /**
     * Has an attachment; see {@link HasAttachment}. Always evaluated locally.
     *
     * @return the query
     */
    static SearchQuery hasAttachment() {
        return new HasAttachment();
    }

    /**
     * The query in the text syntax; {@code QueryParser.parse(q.toQueryString())} equals {@code q}.
     *
     * @return the text, e.g. {@code from:alice -flag:seen}
     */
    default String toQueryString() {
        return QueryPrinter.print(this);
    }

    /**
     * Whether answering needs message flags (which POP3 does not keep).
     *
     * @return true if a flag or keyword predicate occurs anywhere in the query
     */
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
