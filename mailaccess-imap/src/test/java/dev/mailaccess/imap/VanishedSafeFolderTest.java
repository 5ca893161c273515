package dev.mailaccess.imap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VanishedSafeFolderTest {
    @Test
    void readsTheUidsOfAnUnsolicitedVanished() {
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED 3:5,9")).containsExactly(3, 4, 5, 9);
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED 7")).containsExactly(7);
    }

    @Test
    void leavesEarlierAndOtherResponsesToAngus() {
        assertThat(VanishedSafeFolder.unsolicitedVanished("* VANISHED (EARLIER) 3:5")).isNull();
        assertThat(VanishedSafeFolder.unsolicitedVanished("* 3 EXPUNGE")).isNull();
    }
}
