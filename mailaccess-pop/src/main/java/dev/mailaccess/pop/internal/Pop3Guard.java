package dev.mailaccess.pop.internal;

import dev.mailaccess.ServerLimits;
import dev.mailaccess.angus.internal.ConnectionGuard;
import dev.mailaccess.angus.internal.LimitExceededIOException;
import dev.mailaccess.angus.internal.TransferClock;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;

/**
 * Keeps a POP3 server within the session's {@link ServerLimits}, on the connection's plaintext: Angus reads POP3
 * lines of any length into memory, multi-line answers whole, and sizes its message table by what {@code STAT}
 * claims. The guard follows the conversation as it passes (each command written, each status line and multi-line
 * answer read, pipelined ones in order) and cuts the connection with an {@link IOException} when
 * <ul>
 *   <li>a line is longer than {@code maxLineBytes};</li>
 *   <li>{@code STAT} claims, or a {@code LIST}/{@code UIDL} answer lists, more than {@code maxMessages} messages;</li>
 *   <li>a multi-line answer the client holds in memory ({@code TOP}, {@code CAPA}) exceeds {@code maxLiteralBytes}
 *       (a {@code RETR} answer is streamed and only bounded in time);</li>
 *   <li>the server sends too slowly or finishes an answer too late ({@link TransferClock}).</li>
 * </ul>
 * The failure is also kept ({@link #failure()}): Angus often reports it only as text.
 */
final class Pop3Guard implements ConnectionGuard {
    /** Bytes of each line kept to recognise a status line or the end of a multi-line answer. */
    private static final int HEAD = 64;

    private final ServerLimits limits;
    private final TransferClock clock;
    /** Commands written and not yet answered, oldest first. */
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();
    private volatile boolean passThrough;
    private volatile IOException failure;

    // reading
    private Sent answering; // the command whose multi-line answer is being read, else null
    private long answerLines;
    private long answerBytes;
    private long lineBytes;
    private final byte[] head = new byte[HEAD];

    // writing
    private final StringBuilder command = new StringBuilder();

    /** What a command's answer is, for the bounds that apply to it. */
    private enum Answer {
        /** One status line. */
        LINE,
        /** A message, streamed: bounded only in line length and time. */
        MESSAGE,
        /** A list of messages, held in memory: bounded by the message count too. */
        LISTING,
        /** Another multi-line answer held in memory (TOP, CAPA). */
        HELD;

        static Answer of(String name, boolean hasArguments) {
            return switch (name) {
                case "RETR" -> MESSAGE;
                case "LIST", "UIDL" -> hasArguments ? LINE : LISTING;
                case "TOP", "CAPA" -> HELD;
                case "AUTH" -> hasArguments ? LINE : HELD;
                default -> LINE;
            };
        }
    }

    private record Sent(String name, Answer answer, long nanos) {
    }

    Pop3Guard(ServerLimits limits, boolean greeting) {
        this.limits = limits;
        this.clock = new TransferClock(limits);
        if (greeting) {
            long now = System.nanoTime();
            sent.add(new Sent("", Answer.LINE, now)); // the greeting answers the connection
            clock.commandSent(now);
        }
    }

    @Override
    public IOException failure() {
        return failure;
    }

    @Override
    public void passThrough() {
        passThrough = true;
    }

    @Override
    public InputStream input(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                IOException earlier = failure;
                if (earlier != null) {
                    throw earlier; // the connection's state is unknown after a cut
                }
                long before = clock.now();
                int n = super.read(b, off, len);
                if (n > 0 && !passThrough) {
                    arrived(b, off, n, clock.now() - before);
                }
                return n;
            }
        };
    }

    @Override
    public OutputStream output(OutputStream raw) {
        return new FilterOutputStream(raw) {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
                if (!passThrough) {
                    written(new byte[] {(byte) b}, 0, 1);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                if (!passThrough) {
                    written(b, off, len);
                }
            }
        };
    }

    private synchronized void written(byte[] b, int off, int len) {
        long now = System.nanoTime();
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                String line = command.toString().strip();
                command.setLength(0);
                int space = line.indexOf(' ');
                String name = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
                if (sent.isEmpty()) {
                    clock.commandSent(now);
                }
                sent.add(new Sent(name, Answer.of(name, space > 0), now));
            } else if (command.length() < HEAD) {
                command.append((char) (b[i] & 0xff));
            }
        }
    }

    private synchronized void arrived(byte[] b, int off, int n, long waitedNanos) throws IOException {
        try {
            clock.arrived(n, waitedNanos);
            int i = off;
            int end = off + n;
            while (i < end) {
                int lf = i;
                while (lf < end && b[lf] != '\n') {
                    lf++;
                }
                int stop = lf < end ? lf + 1 : end;
                int kept = (int) Math.min(lineBytes, HEAD);
                // inside a multi-line answer only ".\r\n" matters: three bytes of each line are enough
                int keep = Math.min((answering != null ? 3 : HEAD) - kept, stop - i);
                if (keep > 0) {
                    System.arraycopy(b, i, head, kept, keep);
                }
                lineBytes += stop - i;
                if (lineBytes > limits.maxLineBytes() + 2) {
                    throw new LimitExceededIOException(ServerLimits.Limit.LINE_LENGTH, "the POP3 server sent a line "
                            + "longer than " + limits.maxLineBytes() + " bytes (ServerLimits.maxLineBytes)");
                }
                if (lf < end) {
                    lineEnded();
                    lineBytes = 0;
                }
                i = stop;
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /** A whole line arrived; its first bytes are in {@link #head}, its length in {@link #lineBytes}. */
    private void lineEnded() throws IOException {
        int content = (int) Math.min(lineBytes, HEAD);
        while (content > 0 && (head[content - 1] == '\n' || head[content - 1] == '\r')) {
            content--;
        }
        if (answering != null) {
            if (lineBytes <= 3 && content == 1 && head[0] == '.') {
                answering = null; // the end of the multi-line answer
                answered();
                return;
            }
            answerLines++;
            answerBytes += lineBytes;
            checkAnswer();
            return;
        }
        Sent cmd = sent.pollFirst();
        if (cmd == null) {
            return; // unasked: Angus rejects it when it reads it
        }
        String status = new String(head, 0, content, StandardCharsets.ISO_8859_1);
        if (status.startsWith("+OK") && cmd.answer() != Answer.LINE) {
            answering = cmd;
            answerLines = 0;
            answerBytes = 0;
            if (cmd.answer() == Answer.MESSAGE) {
                clock.streaming(); // the caller reads the message at its own pace: no deadline, the rate still
            }
            return;
        }
        if (status.startsWith("+OK") && cmd.name().equals("STAT")) {
            checkStat(status);
        }
        answered();
    }

    /**
     * An answer ended. A command sent ahead (pipelined) is answered from now on: its deadline starts now, not when
     * it was sent, or a slow reader of the earlier answers would count against the server.
     */
    private void answered() {
        if (sent.isEmpty()) {
            clock.noCommand();
        } else {
            clock.commandSent(clock.now());
        }
    }

    private void checkStat(String status) throws LimitExceededIOException {
        String[] words = status.split("\\s+");
        if (words.length < 2) {
            return;
        }
        String count = words[1];
        if (count.chars().allMatch(Character::isDigit)
                && (count.length() > 10 || Long.parseLong(count) > limits.maxMessages())) {
            throw new LimitExceededIOException(ServerLimits.Limit.MESSAGE_COUNT, "the POP3 server claims " + count
                    + " messages in the maildrop, more than " + limits.maxMessages() + " (ServerLimits.maxMessages)");
        }
    }

    private void checkAnswer() throws LimitExceededIOException {
        Answer kind = answering.answer();
        if (kind == Answer.MESSAGE) {
            return;
        }
        if (kind == Answer.LISTING && answerLines > limits.maxMessages()) {
            throw new LimitExceededIOException(ServerLimits.Limit.MESSAGE_COUNT, "the POP3 server lists more than "
                    + limits.maxMessages() + " messages in its " + answering.name()
                    + " answer (ServerLimits.maxMessages)");
        }
        if (answerBytes > limits.maxLiteralBytes()) {
            throw new LimitExceededIOException(ServerLimits.Limit.LITERAL_SIZE, "the POP3 server's "
                    + answering.name() + " answer exceeds " + limits.maxLiteralBytes()
                    + " bytes (ServerLimits.maxLiteralBytes)");
        }
    }
}
