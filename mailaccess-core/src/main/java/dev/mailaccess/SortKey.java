package dev.mailaccess;

/**
 * A server-side sort criterion (RFC 5256).
 *
 * @param field   what to sort by
 * @param reverse descending instead of ascending
 */
public record SortKey(Field field, boolean reverse) {
    /** Sortable fields, with the meaning RFC 5256 gives them. */
    public enum Field {
        /** The server's received date (internal date). */
        ARRIVAL,
        /** The Date header, or the received date if it has none. */
        DATE,
        /** The mailbox part of the first From address. */
        FROM,
        /** The mailbox part of the first To address. */
        TO,
        /** The mailbox part of the first Cc address. */
        CC,
        /** The subject without {@code Re:}, {@code Fwd:} and the like. */
        SUBJECT,
        /** The size in bytes. */
        SIZE
    }

    /**
     * Sorts by a field, smallest or earliest first.
     *
     * @param f the field
     * @return the key
     */
    public static SortKey ascending(Field f) {
        return new SortKey(f, false);
    }

    /**
     * Sorts by a field, largest or latest first.
     *
     * @param f the field
     * @return the key
     */
    public static SortKey descending(Field f) {
        return new SortKey(f, true);
    }
}
