package dev.mailaccess;

/**
 * A server-side sort criterion (RFC 5256).
 *
 * @param field   what to sort by
 * @param reverse descending instead of ascending
 */
public record SortKey(Field field, boolean reverse) {
    /** Sortable fields. */
    public enum Field { ARRIVAL, DATE, FROM, TO, CC, SUBJECT, SIZE }

    public static SortKey ascending(Field f) {
        return new SortKey(f, false);
    }

    public static SortKey descending(Field f) {
        return new SortKey(f, true);
    }
}
