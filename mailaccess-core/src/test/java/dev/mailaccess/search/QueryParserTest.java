package dev.mailaccess.search;

import dev.mailaccess.Flag;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParserTest {

    @Test
    void parsesTermsAndNegation() {
        SearchQuery q = QueryParser.parse("from:alice subject:\"quarterly report\" since:2024-01-01 -flag:seen");
        assertThat(q).isEqualTo(SearchQuery.and(
                SearchQuery.from("alice"),
                SearchQuery.subject("quarterly report"),
                SearchQuery.sentSince(LocalDate.of(2024, 1, 1)),
                SearchQuery.not(SearchQuery.flag(Flag.SEEN))));
    }

    @Test
    void singleTermsAndBareWords() {
        assertThat(QueryParser.parse("body:pizza")).isEqualTo(SearchQuery.body("pizza"));
        assertThat(QueryParser.parse("hello")).isEqualTo(SearchQuery.text("hello"));
        assertThat(QueryParser.parse("  ")).isEqualTo(SearchQuery.all());
        assertThat(QueryParser.parse("header:List-Id=dev larger:100"))
                .isEqualTo(SearchQuery.and(SearchQuery.header("List-Id", "dev"), SearchQuery.larger(100)));
        assertThat(QueryParser.parse("subject:Grüße")).isEqualTo(SearchQuery.subject("Grüße"));
    }

    @Test
    void pointsAtMistakes() {
        assertThatThrownBy(() -> QueryParser.parse("from:alice colour:red"))
                .isInstanceOf(QuerySyntaxException.class)
                .hasMessageContaining("unknown field 'colour'")
                .satisfies(e -> assertThat(((QuerySyntaxException) e).position()).isEqualTo(11));
        assertThatThrownBy(() -> QueryParser.parse("subject:\"open"))
                .hasMessageContaining("unclosed quote")
                .satisfies(e -> assertThat(((QuerySyntaxException) e).position()).isEqualTo(8));
        assertThatThrownBy(() -> QueryParser.parse("since:yesterday")).hasMessageContaining("not a date");
        assertThatThrownBy(() -> QueryParser.parse("flag:shiny")).hasMessageContaining("unknown flag");
        assertThatThrownBy(() -> QueryParser.parse("from:")).hasMessageContaining("missing value");
    }

    @Test
    void knowsWhenFlagsAreNeeded() {
        assertThat(QueryParser.parse("from:a -flag:seen").needsFlags()).isTrue();
        assertThat(QueryParser.parse("from:a subject:b").needsFlags()).isFalse();
    }
}
