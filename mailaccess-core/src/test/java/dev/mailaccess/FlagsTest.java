package dev.mailaccess;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagsTest {

    @Test
    void combinesAndRemoves() {
        Flags f = Flags.of(Flag.SEEN).plus(Flags.keywords("Work"));
        assertThat(f.contains(Flag.SEEN)).isTrue();
        assertThat(f.containsKeyword("Work")).isTrue();
        Flags g = f.minus(Flags.of(Flag.SEEN));
        assertThat(g.system()).isEmpty();
        assertThat(g.keywords()).containsExactly("Work");
        assertThat(Flags.of(Flag.SEEN, Flag.FLAGGED)).isEqualTo(Flags.of(Flag.FLAGGED, Flag.SEEN));
    }

    @Test
    void rejectsKeywordsImapCannotCarry() {
        assertThatThrownBy(() -> Flags.keywords("two words")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flags.keywords("a(b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Flags.keywords("")).isInstanceOf(IllegalArgumentException.class);
    }
}
