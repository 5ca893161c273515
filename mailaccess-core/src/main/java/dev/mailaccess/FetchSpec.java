package dev.mailaccess;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What to fetch for each message of a listing, all in one request. Immutable.
 *
 * <p>A spec is strict unless made {@linkplain #bestEffort() best-effort}: a strict spec asking for an item the
 * session cannot give (flags over POP3) makes the call throw {@link UnsupportedCapabilityException} before any I/O;
 * a best-effort one leaves such items out (they come back null, as items not asked for do), so one listing works
 * on every protocol:
 * <pre>{@code
 * inbox.newest(20, FetchSpec.LIST.bestEffort());   // flags on IMAP, none (null) on POP3
 * }</pre>
 *
 * @param items           items to fetch
 * @param headers         extra header names to fetch (e.g. {@code List-Id}); values come back decoded
 * @param skipUnsupported whether items the session cannot give are left out ({@link #bestEffort()}) rather than
 *                        refused
 */
public record FetchSpec(Set<Item> items, List<String> headers, boolean skipUnsupported) {
    /** Fetchable items; each fills one field of {@link MessageSummary}. */
    public enum Item {
        /** The {@link Envelope}: date, subject, addresses, ids. Needs {@link Capability#HEADERS}. */
        ENVELOPE,
        /** The {@link Flags}. Needs {@link Capability#SERVER_FLAGS}. */
        FLAGS,
        /** The size in bytes. */
        SIZE,
        /** The date the server received the message. */
        INTERNAL_DATE,
        /** The MIME structure ({@link BodyPart}). Needs {@link Capability#BODY_PART}. */
        STRUCTURE,
        /**
         * A preview of the message's text ({@link MessageSummary#preview()}): up to 200 characters of its first text
         * part, decoded, HTML reduced to text, white space folded (RFC 8970). Needs {@link Capability#PREVIEW}.
         */
        PREVIEW
    }

    /** Envelope, flags, size and internal date: what a message list shows. Strict; see {@link #bestEffort()}. */
    public static final FetchSpec LIST = of(Item.ENVELOPE, Item.FLAGS, Item.SIZE, Item.INTERNAL_DATE);

    /**
     * Copies the items and header names.
     *
     * @param items           items to fetch; must not be null (empty for none)
     * @param headers         extra header names to fetch; must not be null (empty for none)
     * @param skipUnsupported whether items the session cannot give are left out rather than refused
     */
    public FetchSpec {
        items = items.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(items));
        headers = List.copyOf(headers);
    }

    /**
     * A strict spec.
     *
     * @param items   items to fetch; must not be null (empty for none)
     * @param headers extra header names to fetch; must not be null (empty for none)
     */
    public FetchSpec(Set<Item> items, List<String> headers) {
        this(items, headers, false);
    }

    /**
     * A strict spec of the given items and no headers.
     *
     * @param items items to fetch; none gives a spec that fetches only the references
     * @return the spec
     */
    public static FetchSpec of(Item... items) {
        return new FetchSpec(items.length == 0 ? Set.of() : EnumSet.of(items[0], items), List.of());
    }

    /**
     * This spec, best-effort: what the session cannot give is left out instead of refused, judged as the mailbox's
     * capability checks judge it (an EMULATED capability counts where the configuration allows emulation). See
     * {@link #narrowedTo}.
     *
     * @return a best-effort copy of this spec
     */
    public FetchSpec bestEffort() {
        return new FetchSpec(items, headers, true);
    }

    /**
     * This spec with the named headers (instead of any named before).
     *
     * @param names header names, e.g. {@code List-Id}; none to fetch no extra headers
     * @return the new spec; this one is unchanged
     */
    public FetchSpec withHeaders(String... names) {
        return new FetchSpec(items, List.of(names), skipUnsupported);
    }

    /**
     * This spec plus an item.
     *
     * @param item the item to add
     * @return the new spec; this one is unchanged
     */
    public FetchSpec with(Item item) {
        EnumSet<Item> s = itemsCopy();
        s.add(item);
        return new FetchSpec(s, headers, skipUnsupported);
    }

    /**
     * This spec without an item.
     *
     * @param item the item to leave out
     * @return the new spec; this one is unchanged
     */
    public FetchSpec without(Item item) {
        EnumSet<Item> s = itemsCopy();
        s.remove(item);
        return new FetchSpec(s, headers, skipUnsupported);
    }

    /**
     * Whether the spec asks for an item.
     *
     * @param item the item
     * @return true if it is one of {@link #items()}
     */
    public boolean has(Item item) {
        return items.contains(item);
    }

    /**
     * What a session with these capabilities can give of this spec, as a strict spec: without flags unless
     * {@link Capability#SERVER_FLAGS} is usable, without envelope and headers unless {@link Capability#HEADERS}
     * is, without structure unless {@link Capability#BODY_PART} is, without preview unless
     * {@link Capability#PREVIEW} is. This is what a best-effort spec fetches.
     *
     * @param capabilities     the session's capabilities ({@link Mailbox#capabilities()})
     * @param emulationAllowed whether an EMULATED capability counts as usable (the mailbox's
     *                         {@link MailboxConfig#allowEmulation()})
     * @return a strict spec of what can be given
     */
    public FetchSpec narrowedTo(CapabilitySet capabilities, boolean emulationAllowed) {
        EnumSet<Item> s = itemsCopy();
        List<String> givenHeaders = headers;
        if (!capabilities.isUsable(Capability.SERVER_FLAGS, emulationAllowed)) {
            s.remove(Item.FLAGS);
        }
        if (!capabilities.isUsable(Capability.HEADERS, emulationAllowed)) {
            s.remove(Item.ENVELOPE);
            givenHeaders = List.of();
        }
        if (!capabilities.isUsable(Capability.BODY_PART, emulationAllowed)) {
            s.remove(Item.STRUCTURE);
        }
        if (!capabilities.isUsable(Capability.PREVIEW, emulationAllowed)) {
            s.remove(Item.PREVIEW);
        }
        return new FetchSpec(s, givenHeaders);
    }

    private EnumSet<Item> itemsCopy() {
        return items.isEmpty() ? EnumSet.noneOf(Item.class) : EnumSet.copyOf(items);
    }
}
