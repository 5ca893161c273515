package dev.mailaccess;

import java.time.Duration;
import java.util.Objects;

/**
 * How much a server may send before the library gives up on it: the bounds that keep a broken or hostile server from
 * exhausting memory or holding a call forever. The defaults ({@link #DEFAULT}) are far above what any working server
 * sends; a user rarely needs to change them (see {@link MailboxConfig.Builder#limits(ServerLimits)}).
 *
 * <p>Crossing a size bound ends the session with a {@link ServerLimitException} naming the {@link Limit}; a server
 * that sends too slowly or too long ends it with a {@link MailTimeoutException}. Silence is bounded separately, by
 * the read timeout ({@link MailboxConfig#readTimeout()}).
 *
 * @param maxLineBytes          the longest response line (literals not counted): 16 MiB, room for a SEARCH answer
 *                              over two million messages
 * @param maxLiteralBytes       the largest literal (an IMAP {@code {n}} string) held in memory: 32 MiB; the library
 *                              itself asks for at most 8 MiB at a time, and a message or part it streams to the
 *                              caller is never held in memory and not bounded by this
 * @param maxResponsesPerCommand the most untagged responses one command's answer may hold in memory: 1,000,000 (a
 *                              whole-folder listing is read as it arrives and is not bounded by this)
 * @param maxMessages           the most messages a folder (IMAP {@code EXISTS}) or a maildrop (POP3 {@code STAT},
 *                              {@code LIST}, {@code UIDL}) may claim: 5,000,000; the client sizes tables by it
 * @param minTransferBytes      with {@code minTransferWindow}, the slowest transfer accepted: while a server is
 *                              sending (no pause of 5 s or more), fewer than 1,024 bytes in any 30 s window end the
 *                              connection, as curl's {@code --speed-limit}/{@code --speed-time} do; only the time
 *                              spent waiting for the server counts, not the time the caller takes between reads;
 *                              0 turns it off
 * @param minTransferWindow     the window of {@code minTransferBytes}
 * @param commandDeadline       the longest one command's answer may take, from the command to its last byte
 *                              (waiting for news with IDLE excepted, and a message streamed to the caller, who
 *                              reads at its own pace): 10 minutes, room for a 50 MB message at 100 KB/s;
 *                              {@link Duration#ZERO} turns it off
 */
public record ServerLimits(long maxLineBytes, long maxLiteralBytes, int maxResponsesPerCommand, int maxMessages,
                           long minTransferBytes, Duration minTransferWindow, Duration commandDeadline) {
    /** The defaults, as documented on each component. */
    public static final ServerLimits DEFAULT = new ServerLimits(16L << 20, 32L << 20, 1_000_000, 5_000_000,
            1024, Duration.ofSeconds(30), Duration.ofMinutes(10));

    /** A pause this long between arrivals is the server thinking, not a slow transfer: the rate window restarts. */
    public static final Duration PAUSE = Duration.ofSeconds(5);

    /** The bounds, for {@link ServerLimitException#limit()}. */
    public enum Limit {
        /** {@link ServerLimits#maxLineBytes()}. */
        LINE_LENGTH,
        /** {@link ServerLimits#maxLiteralBytes()}. */
        LITERAL_SIZE,
        /** {@link ServerLimits#maxResponsesPerCommand()}. */
        RESPONSES_PER_COMMAND,
        /** {@link ServerLimits#maxMessages()}. */
        MESSAGE_COUNT
    }

    /**
     * Checks the bounds.
     *
     * @param maxLineBytes           the longest response line, positive
     * @param maxLiteralBytes        the largest literal held in memory, positive
     * @param maxResponsesPerCommand the most untagged responses one answer may hold in memory, positive
     * @param maxMessages            the most messages a folder or maildrop may claim, positive
     * @param minTransferBytes       bytes per {@code minTransferWindow} at least, or 0 for no minimum rate
     * @param minTransferWindow      the window of the minimum rate, positive
     * @param commandDeadline        the longest one answer may take, or {@link Duration#ZERO} for no deadline
     * @throws IllegalArgumentException if a bound is out of range
     * @throws NullPointerException     if a duration is null
     */
    public ServerLimits {
        positive(maxLineBytes, "maxLineBytes");
        positive(maxLiteralBytes, "maxLiteralBytes");
        positive(maxResponsesPerCommand, "maxResponsesPerCommand");
        positive(maxMessages, "maxMessages");
        if (minTransferBytes < 0) {
            throw new IllegalArgumentException("minTransferBytes must not be negative: " + minTransferBytes);
        }
        Objects.requireNonNull(minTransferWindow, "minTransferWindow");
        Objects.requireNonNull(commandDeadline, "commandDeadline");
        if (minTransferWindow.isNegative() || minTransferWindow.isZero()) {
            throw new IllegalArgumentException("minTransferWindow must be positive: " + minTransferWindow);
        }
        if (commandDeadline.isNegative()) {
            throw new IllegalArgumentException("commandDeadline must not be negative: " + commandDeadline);
        }
    }

    private static void positive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /**
     * A copy with another {@link #maxLineBytes()}.
     *
     * @param bytes the longest response line, positive
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public ServerLimits withMaxLineBytes(long bytes) {
        return new ServerLimits(bytes, maxLiteralBytes, maxResponsesPerCommand, maxMessages, minTransferBytes,
                minTransferWindow, commandDeadline);
    }

    /**
     * A copy with another {@link #maxLiteralBytes()}.
     *
     * @param bytes the largest literal held in memory, positive
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public ServerLimits withMaxLiteralBytes(long bytes) {
        return new ServerLimits(maxLineBytes, bytes, maxResponsesPerCommand, maxMessages, minTransferBytes,
                minTransferWindow, commandDeadline);
    }

    /**
     * A copy with another {@link #maxResponsesPerCommand()}.
     *
     * @param responses the most untagged responses one answer may hold in memory, positive
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code responses} is not positive
     */
    public ServerLimits withMaxResponsesPerCommand(int responses) {
        return new ServerLimits(maxLineBytes, maxLiteralBytes, responses, maxMessages, minTransferBytes,
                minTransferWindow, commandDeadline);
    }

    /**
     * A copy with another {@link #maxMessages()}.
     *
     * @param messages the most messages a folder or maildrop may claim, positive
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code messages} is not positive
     */
    public ServerLimits withMaxMessages(int messages) {
        return new ServerLimits(maxLineBytes, maxLiteralBytes, maxResponsesPerCommand, messages, minTransferBytes,
                minTransferWindow, commandDeadline);
    }

    /**
     * A copy with another minimum transfer rate: fewer than {@code bytes} in {@code window} end the connection.
     *
     * @param bytes  bytes per window at least, or 0 to turn the minimum rate off
     * @param window the window, positive
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code bytes} is negative or {@code window} not positive
     */
    public ServerLimits withMinTransferRate(long bytes, Duration window) {
        return new ServerLimits(maxLineBytes, maxLiteralBytes, maxResponsesPerCommand, maxMessages, bytes, window,
                commandDeadline);
    }

    /**
     * A copy with another {@link #commandDeadline()}.
     *
     * @param deadline the longest one command's answer may take, or {@link Duration#ZERO} for no deadline
     * @return the new limits; these are unchanged
     * @throws IllegalArgumentException if {@code deadline} is negative
     */
    public ServerLimits withCommandDeadline(Duration deadline) {
        return new ServerLimits(maxLineBytes, maxLiteralBytes, maxResponsesPerCommand, maxMessages, minTransferBytes,
                minTransferWindow, deadline);
    }
}
