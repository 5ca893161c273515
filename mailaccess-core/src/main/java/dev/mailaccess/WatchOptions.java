package dev.mailaccess;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Mailbox#watch} polls and reconnects.
 *
 * @param pollInterval      how often the folders that are not pushed are checked (all of them over POP3 and on an
 *                          IMAP server without IDLE; all but the first one with IDLE); also the longest IDLE, which is
 *                          re-armed at least this often and never later than RFC 2177's 29 minutes
 * @param reconnectAttempts reconnects tried one after the other before the watch gives up, at least 0
 * @param reconnectBackoff  the pause before the first reconnect; doubled for each further one, up to a minute
 */
public record WatchOptions(Duration pollInterval, int reconnectAttempts, Duration reconnectBackoff) {
    /** Polling every 30 seconds, 5 reconnect attempts from 1 second apart. */
    public static final WatchOptions DEFAULTS = new WatchOptions(Duration.ofSeconds(30), 5, Duration.ofSeconds(1));

    /**
     * Checks the values.
     *
     * @param pollInterval      positive
     * @param reconnectAttempts not negative
     * @param reconnectBackoff  not negative
     */
    public WatchOptions {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        if (pollInterval.isZero() || pollInterval.isNegative()) {
            throw new IllegalArgumentException("the poll interval must be positive: " + pollInterval);
        }
        if (reconnectAttempts < 0 || reconnectBackoff.isNegative()) {
            throw new IllegalArgumentException("reconnect attempts and backoff must not be negative");
        }
    }
}
