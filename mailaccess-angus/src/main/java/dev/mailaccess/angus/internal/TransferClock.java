package dev.mailaccess.angus.internal;

import dev.mailaccess.ServerLimits;

import java.util.function.LongSupplier;

/**
 * Watches one connection's arrivals for a server that is alive but too slow: a minimum transfer rate while the
 * server is sending (in the spirit of curl's {@code --speed-limit}/{@code --speed-time}) and a deadline for each
 * command's answer. The rate counts the time the reader spent waiting for bytes, not the time the caller took between
 * reads: a caller that writes a streamed message to a slow disk does not make the server look slow. Silence is the
 * read timeout's job; one wait of {@link ServerLimits#PAUSE} or more counts as the server thinking (a long SEARCH),
 * after which the rate window starts again. While no answer is awaited (waiting for news with IDLE) neither applies;
 * while a message is streamed to the caller ({@link #streaming()}) only the rate does. Checked on each arrival, so a
 * connection is cut at most one read timeout after a bound was crossed. Not thread-safe: one reader per connection.
 */
public final class TransferClock {
    private static final long PAUSE_NANOS = ServerLimits.PAUSE.toNanos();

    private final LongSupplier nanoTime;
    private final long minBytes;
    private final long windowNanos;
    private final long deadlineNanos;
    private long windowWaited;
    private long windowBytes;
    private boolean sending;
    private long commandStart;
    private boolean commandPending;
    private boolean deadlineApplies;

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

    /** The time now, for the waits passed to {@link #arrived}. */
    public long now() {
        return nanoTime.getAsLong();
    }

    /** A command's answer is awaited from {@code sentNanos} on (a {@link #now()} value). */
    public void commandSent(long sentNanos) {
        commandStart = sentNanos;
        commandPending = true;
        deadlineApplies = true;
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
     * The answer now streams a message to the caller, who may take as long as it likes to read it: the deadline
     * no longer applies to this answer; the rate still does.
     */
    public void streaming() {
        deadlineApplies = false;
    }

    /**
     * Counts {@code n} bytes that arrived after the reader waited {@code waitedNanos} for them.
     *
     * @throws TooSlowIOException when the rate or the deadline was missed
     */
    public void arrived(int n, long waitedNanos) throws TooSlowIOException {
        if (!commandPending) {
            return;
        }
        if (minBytes > 0) {
            if (!sending || waitedNanos >= PAUSE_NANOS) {
                sending = true;
                windowWaited = 0;
                windowBytes = n;
            } else {
                windowWaited += waitedNanos;
                windowBytes += n;
                if (windowWaited >= windowNanos) {
                    if (windowBytes < minBytes) {
                        throw new TooSlowIOException("the server sent only " + windowBytes + " bytes in "
                                + seconds(windowWaited) + " (the minimum is " + minBytes + " bytes in "
                                + seconds(windowNanos) + ")");
                    }
                    windowWaited = 0;
                    windowBytes = 0;
                }
            }
        }
        if (deadlineApplies && deadlineNanos > 0 && now() - commandStart > deadlineNanos) {
            throw new TooSlowIOException("the server did not finish its answer within " + seconds(deadlineNanos)
                    + " (the command deadline)");
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
