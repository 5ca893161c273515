package dev.mailaccess.search;

import dev.mailaccess.Flag;
import dev.mailaccess.MessageRef;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** parse(print(q)) == q on random queries, and clear errors on bad syntax. */
class QueryRoundTripTest {
    private static final String[] WORDS = {"alice", "Bob Smith", "quarterly report", "Grüße", "x\"y", "a\\b",
        "(paren)", "OR", "-minus", "tab\there", "日本語", "a:b", "", "  ", "under_score", "résumé", "\"", ")"};

    @Test
    void printThenParseGivesTheSameQuery() {
        Random r = new Random(20261127L);
        for (int i = 0; i < 2000; i++) {
            SearchQuery q = random(r, 0);
            String text = QueryPrinter.print(q);
            SearchQuery back;
            try {
                back = QueryParser.parse(text);
            } catch (QuerySyntaxException e) {
                throw new AssertionError("query " + i + " printed unparsable: " + text, e);
            }
            assertThat(back).as("query %d printed as %s", i, text).isEqualTo(q);
            assertThat(q.toQueryString()).isEqualTo(text);
        }
    }

    static SearchQuery random(Random r, int depth) {
        int kind = r.nextInt(depth >= 3 ? 11 : 14);
        return switch (kind) {
            case 0 -> new SearchQuery.Contains(SearchQuery.Field.values()[r.nextInt(7)], word(r));
            case 1 -> new SearchQuery.HeaderContains(r.nextBoolean() ? "Message-ID" : "X-Tag" + r.nextInt(3),
                    word(r));
            case 2 -> new SearchQuery.DateIs(SearchQuery.DateField.values()[r.nextInt(2)],
                    SearchQuery.DateOp.values()[r.nextInt(3)], LocalDate.of(1990 + r.nextInt(40), 1 + r.nextInt(12),
                    1 + r.nextInt(28)));
            case 3 -> new SearchQuery.SizeIs(r.nextBoolean(), r.nextInt(1_000_000));
            case 4 -> new SearchQuery.FlagIs(Flag.values()[r.nextInt(Flag.values().length)], r.nextBoolean());
            case 5 -> new SearchQuery.KeywordIs(r.nextBoolean() ? "$Label1" : word(r), r.nextBoolean());
            case 6 -> {
                Set<MessageRef> refs = new LinkedHashSet<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    refs.add(r.nextBoolean() ? MessageRef.imap(1 + r.nextInt(5), 1 + r.nextInt(100))
                            : MessageRef.pop3("uidl" + r.nextInt(100)));
                }
                yield new SearchQuery.RefIn(refs);
            }
            case 7 -> SearchQuery.hasAttachment();
            case 8 -> SearchQuery.all();
            case 9, 10 -> new SearchQuery.Contains(SearchQuery.Field.SUBJECT, word(r));
            case 11 -> new SearchQuery.And(children(r, depth));
            case 12 -> new SearchQuery.Or(children(r, depth));
            default -> new SearchQuery.Not(random(r, depth + 1));
        };
    }

    private static List<SearchQuery> children(Random r, int depth) {
        List<SearchQuery> out = new ArrayList<>();
        for (int i = 2 + r.nextInt(3); i > 0; i--) {
            out.add(random(r, depth + 1));
        }
        return out;
    }

    private static String word(Random r) {
        return WORDS[r.nextInt(WORDS.length)];
    }

    @Test
    void orAndParentheses() {
        SearchQuery bob = SearchQuery.or(SearchQuery.to("bob"), SearchQuery.cc("bob"));
        assertThat(QueryParser.parse("(to:bob OR cc:bob)")).isEqualTo(bob);
        assertThat(QueryParser.parse("from:alice subject:\"quarterly report\" since:2024-01-01 -flag:seen "
                + "(to:bob OR cc:bob)")).isEqualTo(SearchQuery.and(SearchQuery.from("alice"),
                SearchQuery.subject("quarterly report"), SearchQuery.sentSince(LocalDate.of(2024, 1, 1)),
                SearchQuery.not(SearchQuery.flag(Flag.SEEN)), bob));
        // OR binds tighter than the implicit AND
        assertThat(QueryParser.parse("a b OR c")).isEqualTo(SearchQuery.and(SearchQuery.text("a"),
                SearchQuery.or(SearchQuery.text("b"), SearchQuery.text("c"))));
        assertThat(QueryParser.parse("-(from:a OR from:b)")).isEqualTo(SearchQuery.not(
                SearchQuery.or(SearchQuery.from("a"), SearchQuery.from("b"))));
        assertThat(QueryParser.parse("()")).isEqualTo(SearchQuery.all());
        assertThat(QueryParser.parse("or")).isEqualTo(SearchQuery.text("or"));
        assertThat(QueryParser.parse("received-since:2024-02-01 has:attachment message-id:<a@b>"))
                .isEqualTo(SearchQuery.and(SearchQuery.receivedSince(LocalDate.of(2024, 2, 1)),
                        SearchQuery.hasAttachment(), SearchQuery.messageId("<a@b>")));
        assertThat(QueryParser.parse("ref:imap:7:1,imap:7:3")).isEqualTo(SearchQuery.refIn(Set.of(
                MessageRef.imap(7, 1), MessageRef.imap(7, 3))));
        assertThat(QueryParser.parse("noflag:seen nokeyword:Work")).isEqualTo(SearchQuery.and(
                new SearchQuery.FlagIs(Flag.SEEN, false), new SearchQuery.KeywordIs("Work", false)));
    }

    @Test
    void errorsPointAtTheMistake() {
        assertError("from:a (to:b OR cc:b", 7, "never closed");
        assertError("from:a to:b)", 11, "without a matching");
        assertError("from:a OR", 7, "dangling OR");
        assertError("OR from:a", 0, "before it");
        assertError("(OR a)", 1, "before it");
        assertError("a OR OR b", 5, "OR OR");
        assertError("a OR )", 2, "dangling OR");
        assertError("- a", 0, "must be followed");
        assertError("from:", 5, "missing value");
        assertError("subject:\"abc", 8, "unclosed quote");
        assertError("since:2024-13-01", 6, "not a date");
        assertError("larger:-5", 7, "not a size");
        assertError("flag:read", 5, "unknown flag");
        assertError("fromm:x", 0, "unknown field");
        assertError("has:pictures", 4, "has:attachment");
        assertError("ref:imap:1:2,bogus", 13, "not a message reference");
        assertError("subject:\"a\"b", 11, "closing quote");
    }

    private static void assertError(String input, int position, String text) {
        assertThatThrownBy(() -> QueryParser.parse(input)).as(input).isInstanceOf(QuerySyntaxException.class)
                .hasMessageContaining(text)
                .satisfies(e -> assertThat(((QuerySyntaxException) e).position()).as(input).isEqualTo(position));
    }
}
