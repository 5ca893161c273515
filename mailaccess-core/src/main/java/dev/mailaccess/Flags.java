package dev.mailaccess;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;

/**
 * An immutable set of system flags and keywords.
 *
 * @param system   system flags
 * @param keywords user keywords (IMAP atoms, e.g. {@code $Important}); case as given
 */
public record Flags(Set<Flag> system, Set<String> keywords) {
    /** No flags. */
    public static final Flags NONE = new Flags(Set.of(), Set.of());

    /**
     * Copies both sets; keywords come out sorted.
     *
     * @param system   system flags; must not be null (empty for none)
     * @param keywords keywords; must not be null (empty for none)
     * @throws IllegalArgumentException if a keyword is empty or has a character IMAP does not allow (see
     *                                  {@link #isValidKeyword})
     */
    public Flags {
        system = system.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(system));
        TreeSet<String> kw = new TreeSet<>();
        for (String k : keywords) {
            validateKeyword(k);
            kw.add(k);
        }
        keywords = Collections.unmodifiableSet(kw);
    }

    private static void validateKeyword(String k) {
        if (k.isEmpty()) {
            throw new IllegalArgumentException("empty keyword");
        }
        if (!isValidKeyword(k)) {
            throw new IllegalArgumentException("keyword '" + k + "' contains a character IMAP does not allow");
        }
    }

    /**
     * Whether {@code k} is a keyword these flags can hold: a non-empty IMAP atom without the characters IMAP
     * reserves. A server may send others; the adapters drop those rather than fail the message.
     *
     * @param k a keyword, e.g. {@code $Important}
     * @return true if it is non-empty printable ASCII without space or any of <code>( ) { % * " \ ]</code>
     */
    public static boolean isValidKeyword(String k) {
        if (k.isEmpty()) {
            return false;
        }
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (c <= ' ' || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The given system flags.
     *
     * @param flags system flags; none gives flags equal to {@link #NONE}
     * @return flags without keywords
     */
    public static Flags of(Flag... flags) {
        return new Flags(flags.length == 0 ? Set.of() : EnumSet.of(flags[0], flags), Set.of());
    }

    /**
     * The given keywords.
     *
     * @param keywords keywords, e.g. {@code $Important}; no duplicates
     * @return flags without system flags
     * @throws IllegalArgumentException if a keyword is repeated, empty or not a valid IMAP keyword
     */
    public static Flags keywords(String... keywords) {
        return new Flags(Set.of(), Set.of(keywords));
    }

    /**
     * System flags and keywords.
     *
     * @param system   system flags; may be empty
     * @param keywords keywords; may be empty
     * @return the flags
     * @throws IllegalArgumentException if a keyword is empty or not a valid IMAP keyword
     */
    public static Flags of(Collection<Flag> system, Collection<String> keywords) {
        return new Flags(Set.copyOf(system), Set.copyOf(keywords));
    }

    /**
     * Whether a system flag is set.
     *
     * @param flag the flag
     * @return true if it is in {@link #system()}
     */
    public boolean contains(Flag flag) {
        return system.contains(flag);
    }

    /**
     * Whether a keyword is set; case matters.
     *
     * @param keyword the keyword
     * @return true if it is in {@link #keywords()}
     */
    public boolean containsKeyword(String keyword) {
        return keywords.contains(keyword);
    }

    /**
     * Whether no flag and no keyword is set.
     *
     * @return true if both sets are empty
     */
    public boolean isEmpty() {
        return system.isEmpty() && keywords.isEmpty();
    }

    /**
     * This set plus the other.
     *
     * @param other flags to add
     * @return the union; this one is unchanged
     */
    public Flags plus(Flags other) {
        EnumSet<Flag> s = system.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(system);
        s.addAll(other.system);
        TreeSet<String> k = new TreeSet<>(keywords);
        k.addAll(other.keywords);
        return new Flags(s, k);
    }

    /**
     * This set without the other.
     *
     * @param other flags to take away
     * @return the difference; this one is unchanged
     */
    public Flags minus(Flags other) {
        EnumSet<Flag> s = system.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(system);
        s.removeAll(other.system);
        TreeSet<String> k = new TreeSet<>(keywords);
        k.removeAll(other.keywords);
        return new Flags(s, k);
    }
}
