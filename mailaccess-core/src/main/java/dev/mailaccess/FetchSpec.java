package dev.mailaccess;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What to fetch for each message of a listing, all in one request. Immutable.
 *
 * @param items   items to fetch
 * @param headers extra header names to fetch (e.g. {@code List-Id}); values come back decoded
 */
public record FetchSpec(Set<Item> items, List<String> headers) {
    /** Fetchable items. */
    public enum Item { ENVELOPE, FLAGS, SIZE, INTERNAL_DATE, STRUCTURE }

    /** Envelope, flags, size and internal date: what a message list shows. */
    public static final FetchSpec LIST = of(Item.ENVELOPE, Item.FLAGS, Item.SIZE, Item.INTERNAL_DATE);

    public FetchSpec {
        items = items.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(items));
        headers = List.copyOf(headers);
    }

    public static FetchSpec of(Item... items) {
        return new FetchSpec(items.length == 0 ? Set.of() : EnumSet.of(items[0], items), List.of());
    }

    /** This spec plus the named headers. */
    public FetchSpec withHeaders(String... names) {
        return new FetchSpec(items, List.of(names));
    }

    /** This spec plus an item. */
    public FetchSpec with(Item item) {
        EnumSet<Item> s = items.isEmpty() ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(items);
        s.add(item);
        return new FetchSpec(s, headers);
    }

    /** This spec without an item. */
    public FetchSpec without(Item item) {
        EnumSet<Item> s = items.isEmpty() ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(items);
        s.remove(item);
        return new FetchSpec(s, headers);
    }

    public boolean has(Item item) {
        return items.contains(item);
    }
}
