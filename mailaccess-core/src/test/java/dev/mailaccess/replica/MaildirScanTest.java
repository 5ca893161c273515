package dev.mailaccess.replica;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the Maildir scanner may trust directory times to skip a listing. What a scan finds, through the replica, is
 * tested in {@link ReplicaTest}.
 */
class MaildirScanTest {
    @Test
    void directoryTimesAreTrustedOnlyOnceTheyAreOlderThanTheFileSystemsClockTick() {
        long now = System.currentTimeMillis();
        long fine = (now - 50) * 1_000_000L + 123; // sub-second times: 10 ms ticks at most, 100 ms margin
        assertThat(MaildirScan.settled(new long[] {fine, fine}, now)).isFalse();
        long fineOld = (now - 500) * 1_000_000L + 123;
        assertThat(MaildirScan.settled(new long[] {fineOld, fineOld}, now)).isTrue();
        assertThat(MaildirScan.settled(new long[] {fineOld, fine}, now)).isFalse();
        long wholeSecond = (now / 1000 - 1) * 1_000_000_000L; // whole seconds: 2 s margin
        assertThat(MaildirScan.settled(new long[] {wholeSecond, wholeSecond}, now)).isFalse();
        long wholeSecondOld = (now / 1000 - 3) * 1_000_000_000L;
        assertThat(MaildirScan.settled(new long[] {wholeSecondOld, wholeSecondOld}, now)).isTrue();
        assertThat(MaildirScan.settled(new long[] {-1, fineOld}, now)).isFalse();
    }
}
