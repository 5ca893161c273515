package dev.mailaccess.angus.internal;

import dev.mailaccess.ServerLimits;

import java.util.function.LongSupplier;

/**
 * Watches one connection's arrivals for a server that is alive but too slow: a minimum transfer rate while the
 * server is sending (in the spirit of curl's {@code --speed-limit}/{@code --speed-time}) and a deadline for each
 * command's answer. Silence is the read timeout's job; a pause of {@link ServerLimits#PAUSE} or more counts as the
 * server thinking (a long SEARCH), after which the rate window starts again. While no answer is awaited (waiting for
 * news with IDLE) neither applies. Checked on each arrival, so a
 * connection is cut at most one read timeout after a bound was crossed. Not thread-safe: one reader per connection.
 */
public final class TransferClock {
    private static final long PAUSE_NANOS = ServerLimits.PAUSE.toNanos();

    private final LongSupplier nanoTime;
    private final long minBytes;
    private final long windowNanos;
    private final long deadlineNanos;
    private long windowStart;
    private long windowBytes;
    private long lastArrival;
    private boolean sending;
    private long commandStart;
    private boolean commandPending;

    public TransferClock(ServerLimits limits) {
        this(limits, System::nanoTime);
    }

    /** A clock reading time from {@code nanoTime} (tests pass a fake one). */
    TransferClock(ServerLimits limits, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.minBytes = limits.minTransferBytes();
        this.windowNanos = limits.minTransferWindow().toNanos();
        this.deadlineNanos = limits.commandDeadline().toNanos();
    }

    /** A command's answer is awaited from now on ({@code now}: {@link System#nanoTime()}). */
    public void commandSent(long now) {
        commandStart = now;
        commandPending = true;
    }

    /**
     * No answer is awaited: none is outstanding, or the client waits for news (IDLE), which may come at any pace.
     * Neither the rate nor the deadline applies until the next command.
     */
    public void noCommand() {
        commandPending = false;
        sending = false;
    }

    /**
     * Counts {@code n} bytes that just arrived.
     *
     * @throws TooSlowIOException when the rate or the deadline was missed
     */
    public void arrived(int n) throws TooSlowIOException {
        if (!commandPending) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (minBytes > 0) {
            if (!sending || now - lastArrival >= PAUSE_NANOS) {
                sending = true;
                windowStart = now;
                windowBytes = n;
            } else {
                windowBytes += n;
                if (now - windowStart >= windowNanos) {
                    if (windowBytes < minBytes) {
                        throw new TooSlowIOException("the server sent only " + windowBytes + " bytes in "
                                + seconds(now - windowStart) + " (the minimum is " + minBytes + " bytes in "
                                + seconds(windowNanos) + ")");
                    }
                    windowStart = now;
                    windowBytes = 0;
                }
            }
            lastArrival = now;
        }
        if (deadlineNanos > 0 && now - commandStart > deadlineNanos) {
            throw new TooSlowIOException("the server did not finish its answer within " + seconds(deadlineNanos)
                    + " (the command deadline)");
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
