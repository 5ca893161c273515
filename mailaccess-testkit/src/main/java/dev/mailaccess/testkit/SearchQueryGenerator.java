package dev.mailaccess.testkit;

import dev.mailaccess.Flag;
import dev.mailaccess.MessageRef;
import dev.mailaccess.search.SearchQuery;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Seeded random queries over a {@link SearchCorpus}: leaves of every {@link Kind} with values that occur in the
 * corpus (words, parts of words, names, addresses, dates near the corpus dates, sizes near the median), combined
 * with and / or / not up to depth 2. Kinds can be left out (a server difference, a protocol without flags).
 */
public final class SearchQueryGenerator {
    /** Leaf kinds. */
    public enum Kind {
        /** from/to/cc/bcc with any substring: a name word, a local part, a domain. */
        ADDRESS_SUBSTRING,
        /** from/to/cc/bcc with a display-name word that has an apostrophe ({@code O'Brien}). */
        ADDRESS_APOSTROPHE,
        /** from/to/cc/bcc with a whole address {@code userNN@hostN.test}. */
        ADDRESS_WHOLE,
        SUBJECT, BODY, TEXT,
        /** header:X-Tag= and message-id:. */
        HEADER,
        SENT_DATE, RECEIVED_DATE, SIZE, FLAG, KEYWORD, REF, HAS_ATTACHMENT,
        /** A string that is not ASCII in a body or text predicate. */
        NON_ASCII,
        /** A string that is not ASCII in a subject or address predicate (headers: RFC 2047 words or raw UTF-8). */
        NON_ASCII_HEADER
    }

    private final Random r;
    private final Set<Kind> kinds;
    private final List<MessageRef> refs;
    private final List<LocalDate> receivedDays;
    private final long medianSize;

    /**
     * @param refs         the folder's refs (for ref: sets)
     * @param receivedDays days the corpus was received on (internal dates)
     * @param medianSize   a typical message size
     */
    public SearchQueryGenerator(long seed, Set<Kind> kinds, List<MessageRef> refs, List<LocalDate> receivedDays,
                                long medianSize) {
        this.r = new Random(seed);
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
        this.refs = List.copyOf(refs);
        this.receivedDays = List.copyOf(receivedDays);
        this.medianSize = medianSize;
    }

    /** A random query. */
    public SearchQuery next() {
        return node(0);
    }

    private SearchQuery node(int depth) {
        int k = r.nextInt(depth >= 2 ? 6 : 10);
        if (k < 6) {
            return leaf();
        }
        int n = 2 + r.nextInt(2);
        List<SearchQuery> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(node(depth + 1));
        }
        return switch (k) {
            case 6, 7 -> new SearchQuery.And(children);
            case 8 -> new SearchQuery.Or(children);
            default -> new SearchQuery.Not(children.get(0));
        };
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    private SearchQuery leaf() {
        List<Kind> usable = new ArrayList<>(kinds);
        usable.remove(Kind.NON_ASCII);
        usable.remove(Kind.NON_ASCII_HEADER);
        Kind kind = pick(usable);
        return switch (kind) {
            case ADDRESS_SUBSTRING -> new SearchQuery.Contains(addressField(), addressFragment());
            case ADDRESS_APOSTROPHE -> new SearchQuery.Contains(addressField(), "O'Brien");
            case ADDRESS_WHOLE -> new SearchQuery.Contains(addressField(), String.format(Locale.ROOT,
                    "user%02d@host%d.test", r.nextInt(40), r.nextInt(6)));
            case SUBJECT -> SearchQuery.subject(word(kinds.contains(Kind.NON_ASCII_HEADER)));
            case BODY -> SearchQuery.body(word(kinds.contains(Kind.NON_ASCII)));
            case TEXT -> SearchQuery.text(word(kinds.contains(Kind.NON_ASCII) && kinds.contains(Kind.NON_ASCII_HEADER)));
            case HEADER -> r.nextBoolean() ? SearchQuery.header("X-Tag", pick(SearchCorpus.ASCII_WORDS))
                    : SearchQuery.messageId("@host" + r.nextInt(6));
            case SENT_DATE -> new SearchQuery.DateIs(SearchQuery.DateField.SENT, op(),
                    LocalDate.of(2015, 1, 1).plusDays(r.nextInt(365 * 11)));
            case RECEIVED_DATE -> new SearchQuery.DateIs(SearchQuery.DateField.RECEIVED, op(),
                    pick(receivedDays).plusDays(r.nextInt(3) - 1));
            case SIZE -> new SearchQuery.SizeIs(r.nextBoolean(), Math.max(1,
                    (long) (medianSize * (0.2 + 2 * r.nextDouble()))));
            case FLAG -> new SearchQuery.FlagIs(pick(List.of(Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DRAFT)),
                    r.nextBoolean());
            case KEYWORD -> new SearchQuery.KeywordIs(pick(SearchCorpus.KEYWORDS), r.nextBoolean());
            case REF -> {
                Set<MessageRef> set = new LinkedHashSet<>();
                for (int i = r.nextInt(20); i > 0 && !refs.isEmpty(); i--) {
                    set.add(pick(refs));
                }
                yield new SearchQuery.RefIn(set);
            }
            case HAS_ATTACHMENT -> SearchQuery.hasAttachment();
            case NON_ASCII, NON_ASCII_HEADER -> throw new IllegalStateException();
        };
    }

    private SearchQuery.DateOp op() {
        return SearchQuery.DateOp.values()[r.nextInt(3)];
    }

    private SearchQuery.Field addressField() {
        return pick(List.of(SearchQuery.Field.FROM, SearchQuery.Field.FROM, SearchQuery.Field.TO,
                SearchQuery.Field.TO, SearchQuery.Field.CC, SearchQuery.Field.BCC));
    }

    private String addressFragment() {
        int k = r.nextInt(4);
        if (k == 0) {
            return String.format(Locale.ROOT, "user%02d", r.nextInt(40));
        }
        if (k == 1) {
            return "host" + r.nextInt(6);
        }
        String name = pick(SearchCorpus.NAMES);
        if (!kinds.contains(Kind.NON_ASCII_HEADER)) {
            name = pick(List.of("Alice Smith", "Bob Jones", "Carol", "Eve Black"));
        }
        String[] parts = name.replace("Dave O'Brien", "Dave").split(" ");
        return parts[r.nextInt(parts.length)];
    }

    /** A corpus word, a part of one, or one in another case; or a word absent from the corpus. */
    private String word(boolean nonAscii) {
        List<String> pool = nonAscii && r.nextInt(3) == 0 ? SearchCorpus.allWords()
                : SearchCorpus.ASCII_WORDS;
        String w = pick(pool);
        int k = r.nextInt(8);
        boolean ascii = w.chars().allMatch(c -> c < 128);
        if (k == 0 && w.length() > 4 && w.codePointCount(0, w.length()) == w.length()) {
            int start = r.nextInt(w.length() - 3);
            return w.substring(start, start + 3 + r.nextInt(w.length() - start - 3 + 1));
        }
        if (k == 1) {
            return ascii ? w.toUpperCase(Locale.ROOT) : w.toLowerCase(Locale.ROOT);
        }
        if (k == 2) {
            return "absentword" + r.nextInt(10);
        }
        if (k == 3) {
            return "#" + r.nextInt(500) + " "; // a subject's number
        }
        return w;
    }
}
