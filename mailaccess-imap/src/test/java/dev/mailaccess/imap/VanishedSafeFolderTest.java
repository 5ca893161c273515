package dev.mailaccess.imap;

import dev.mailaccess.ServerLimitException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VanishedSafeFolderTest {
    @Test
    void readsTheUidsOfAnUnsolicitedVanished() {
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED 3:5,9", 10)).containsExactly(3, 4, 5, 9);
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED 7", 10)).containsExactly(7);
    }

    @Test
    void leavesEarlierAndOtherResponsesToAngus() {
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED (EARLIER) 3:5", 10)).isNull();
        assertThat(VanishedSafeFolder.unsolicitedVanished("* 3 EXPUNGE", 10)).isNull();
    }

    @Test
    void readsTheUidsOfAVanishedEarlierWithinTheBound() {
        assertThat(VanishedSafeFolder.earlierVanished("* VANISHED (EARLIER) 3:5,9", 10)).containsExactly(3, 4, 5, 9);
        assertThat(VanishedSafeFolder.earlierVanished("* vanished (earlier) 7", 10)).containsExactly(7);
        assertThat(VanishedSafeFolder.earlierVanished("* VANISHED 7", 10)).isNull();
        assertThat(VanishedSafeFolder.earlierVanished("* 3 EXPUNGE", 10)).isNull();
        assertThatThrownBy(() -> VanishedSafeFolder.unsolicitedVanished("* VANISHED 1:2000000000", 100_000))
                .isInstanceOf(ServerLimitException.class);
        assertThatThrownBy(() -> VanishedSafeFolder.earlierVanished("* VANISHED (EARLIER) 1:4294967295", 100_000))
                .isInstanceOf(ServerLimitException.class)
                .hasMessageContaining("4294967295 vanished messages");
    }
}
