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

    /** The message is one of these (IMAP: a UID set; refs of another UIDVALIDITY or protocol never match). */
    record RefIn(Set<MessageRef> refs) implements SearchQuery {
        public RefIn {
            refs = Set.copyOf(refs);
        }
    }

    /**
     * The message has an attachment: a non-multipart part other than the message's own body whose
     * {@code Content-Disposition} is {@code attachment}, or which has a file name ({@link dev.mailaccess.BodyPart#isAttachment()}).
     * No IMAP server answers this; it is always evaluated locally (from the structure or the raw message).
     */
    record HasAttachment() implements SearchQuery {
    }

    /** Matches every message. */
    static SearchQuery all() {
        return new All();
    }

    /** All of the terms. */
    static SearchQuery and(SearchQuery... terms) {
        return new And(List.of(terms));
    }

    /** Any of the terms. */
    static SearchQuery or(SearchQuery... terms) {
        return new Or(List.of(terms));
    }

    /** The term does not match. */
    static SearchQuery not(SearchQuery term) {
        return new Not(term);
    }

    /** From contains the text. */
    static SearchQuery from(String text) {
        return new Contains(Field.FROM, text);
    }

    /** To contains the text. */
    static SearchQuery to(String text) {
        return new Contains(Field.TO, text);
    }

    /** Cc contains the text. */
    static SearchQuery cc(String text) {
        return new Contains(Field.CC, text);
    }

    /** Subject contains the text. */
    static SearchQuery subject(String text) {
        return new Contains(Field.SUBJECT, text);
    }

    /** The body (text parts, decoded) contains the text. */
    static SearchQuery body(String text) {
        return new Contains(Field.BODY, text);
    }

    /** Headers or body contain the text. */
    static SearchQuery text(String text) {
        return new Contains(Field.TEXT, text);
    }

    /** The named header contains the text. */
    static SearchQuery header(String name, String text) {
        return new HeaderContains(name, text);
    }

    /** The system flag is set. */
    static SearchQuery flag(Flag flag) {
        return new FlagIs(flag, true);
    }

    /** The keyword is set. */
    static SearchQuery keyword(String keyword) {
        return new KeywordIs(keyword, true);
    }

    /** Sent (Date header) on or after the day. */
    static SearchQuery sentSince(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.SINCE, date);
    }

    /** Sent (Date header) before the day. */
    static SearchQuery sentBefore(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.BEFORE, date);
    }

    /** Larger than the size in bytes. */
    static SearchQuery larger(long bytes) {
        return new SizeIs(true, bytes);
    }

    /** Smaller than the size in bytes. */
    static SearchQuery smaller(long bytes) {
        return new SizeIs(false, bytes);
    }

    /** Bcc contains the text. */
    static SearchQuery bcc(String text) {
        return new Contains(Field.BCC, text);
    }

    /** The Message-ID header contains the text (e.g. {@code <id@host>}). */
    static SearchQuery messageId(String id) {
        return new HeaderContains("Message-ID", id);
    }

    /** Sent (Date header) on the day. */
    static SearchQuery sentOn(LocalDate date) {
        return new DateIs(DateField.SENT, DateOp.ON, date);
    }

    /** Received (internal date) on or after the day. */
    static SearchQuery receivedSince(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.SINCE, date);
    }

    /** Received (internal date) before the day. */
    static SearchQuery receivedBefore(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.BEFORE, date);
    }

    /** Received (internal date) on the day. */
    static SearchQuery receivedOn(LocalDate date) {
        return new DateIs(DateField.RECEIVED, DateOp.ON, date);
    }

    /** One of these messages. */
    static SearchQuery refIn(Set<MessageRef> refs) {
        return new RefIn(refs);
    }

    /** Has an attachment. */
    static SearchQuery hasAttachment() {
        return new HasAttachment();
    }

    /** The query in the text syntax; {@code QueryParser.parse(q.toQueryString())} equals {@code q}. */
    default String toQueryString() {
        return QueryPrinter.print(this);
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
