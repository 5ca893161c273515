package dev.mailaccess.angus.internal;

import dev.mailaccess.ServerLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The minimum rate and the command deadline, on a clock the test moves. */
class TransferClockTest {
    private static final long MS = 1_000_000L;
    private long now;
    private final ServerLimits limits = ServerLimits.DEFAULT.withMinTransferRate(1024, Duration.ofSeconds(30))
            .withCommandDeadline(Duration.ofMinutes(10));
    private final TransferClock clock = new TransferClock(limits, () -> now);

    /** {@code bytes} arrive after the reader waited {@code millis} for them. */
    private void after(long millis, int bytes) throws TooSlowIOException {
        now += millis * MS;
        clock.arrived(bytes, millis * MS);
    }

    @Test
    void aDripIsCutAfterOneWindow() throws Exception {
        clock.commandSent(now);
        for (int i = 0; i < 150; i++) { // one byte every 0.2 s: 30 s
            after(200, 1);
        }
        assertThatThrownBy(() -> after(200, 1)).isInstanceOf(TooSlowIOException.class)
                .hasMessageContaining("bytes in");
    }

    @Test
    void aFastEnoughTransferIsNot() {
        clock.commandSent(now);
        assertThatCode(() -> {
            for (int i = 0; i < 3000; i++) { // 50 bytes every 0.2 s = 250 B/s, for 10 minutes less a little
                after(199, 50);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void aPauseOfFiveSecondsIsTheServerThinkingNotSlowness() {
        clock.commandSent(now);
        assertThatCode(() -> {
            for (int i = 0; i < 20; i++) { // a progress line every 6 s: the window restarts each time
                after(6_000, 40);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void anAnswerThatNeverEndsIsCutAtTheDeadline() throws Exception {
        clock.commandSent(now);
        for (int i = 0; i < 99; i++) { // fast enough, but for ever
            after(6_000, 100_000);
        }
        assertThatThrownBy(() -> after(6_001, 100_000)).isInstanceOf(TooSlowIOException.class)
                .hasMessageContaining("deadline");
    }

    @Test
    void aCallerTakingItsTimeBetweenReadsDoesNotMakeTheServerSlow() {
        clock.commandSent(now);
        clock.streaming(); // a message streamed to a caller writing it to a slow disk
        assertThatCode(() -> {
            for (int i = 0; i < 3000; i++) { // 64 KB ready at each read, the caller back every 0.5 s: 25 minutes
                now += 500 * MS;
                clock.arrived(65536, 0);
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void aStreamedMessageIsStillHeldToTheRate() throws Exception {
        clock.commandSent(now);
        clock.streaming();
        for (int i = 0; i < 150; i++) {
            after(200, 1);
        }
        assertThatThrownBy(() -> after(200, 1)).isInstanceOf(TooSlowIOException.class);
    }

    @Test
    void waitingForNewsIsNeitherSlowNorLate() {
        clock.commandSent(now);
        clock.noCommand(); // IDLE: news may come at any pace, for as long as the client waits
        assertThatCode(() -> {
            for (int i = 0; i < 10_000; i++) {
                after(200, 1);
            }
        }).doesNotThrowAnyException();
        assertThat(now).isGreaterThan(Duration.ofMinutes(30).toNanos());
    }
}
