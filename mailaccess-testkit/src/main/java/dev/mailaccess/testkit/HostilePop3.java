package dev.mailaccess.testkit;

import dev.mailaccess.testkit.HostileServer.Conversation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The well-behaved POP3 script of {@link HostileServer#pop3()}, one per connection, over the messages configured
 * when the connection was accepted (a maildrop does not change under a POP3 session). It answers:
 * <ul>
 * <li>the greeting {@code +OK hostile POP3 ready <1.2@host>}; CAPA with the configured list;</li>
 * <li>USER and PASS: any user and password;</li>
 * <li>STAT, LIST, LIST n, UIDL, UIDL n; RETR n and TOP n k (lines starting with '.' doubled, a closing
 * {@code .} line);</li>
 * <li>DELE n (STAT, LIST and UIDL leave it out, RETR refuses it, RSET brings it back), NOOP, RSET; QUIT:
 * {@code +OK}, the messages marked deleted are gone for later connections (unless
 * {@link HostileServer.Pop3#ignoreDeletions()}), then close;</li>
 * <li>anything else, and a bad message number: {@code -ERR}.</li>
 * </ul>
 * Pipelined commands are answered in turn as they are read.
 */
final class HostilePop3 implements HostileServer.Session {
    private final HostileServer.Pop3 config;
    private final List<Message> messages;
    private final BitSet deleted = new BitSet(); // by message number

    HostilePop3(HostileServer.Pop3 config) {
        this.config = config;
        this.messages = config.messages();
    }

    /** A POP3 message: its unique id and its text. */
    record Message(String uidl, byte[] raw) {
    }

    @Override
    public void greet(Conversation c) throws IOException {
        c.sendLine("+OK hostile POP3 ready <1.2@host>");
    }

    @Override
    public String read(Conversation c) throws IOException {
        return c.readRawLine();
    }

    @Override
    public String tag(String line) {
        return "";
    }

    @Override
    public String name(String line) {
        return line.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    }

    @Override
    public void answer(Conversation c, String tag, String name, String line) throws IOException {
        String[] args = line.strip().split("\\s+");
        try {
            c.send(answer(c, name, args));
        } catch (IllegalArgumentException e) {
            c.sendLine("-ERR " + e.getMessage());
        }
        if (name.equals("QUIT")) {
            c.close();
        }
    }

    private String answer(Conversation c, String name, String[] args) {
        switch (name) {
            case "CAPA":
                return "+OK Capability list follows\r\n" + String.join("", config.capabilities().stream()
                        .map(capability -> capability + "\r\n").toList()) + ".\r\n";
            case "USER":
                return "+OK\r\n";
            case "PASS":
                return "+OK Logged in.\r\n";
            case "STAT":
                long size = 0;
                int count = 0;
                for (int n = 1; n <= messages.size(); n++) {
                    if (!deleted.get(n)) {
                        count++;
                        size += messages.get(n - 1).raw.length;
                    }
                }
                return "+OK " + count + " " + size + "\r\n";
            case "LIST":
                return listing(args, m -> String.valueOf(m.raw.length));
            case "UIDL":
                return listing(args, Message::uidl);
            case "RETR":
                Message retrieved = message(args, 1);
                return "+OK " + retrieved.raw.length + " octets\r\n" + stuffed(retrieved.raw, -1);
            case "TOP":
                Message top = message(args, 1);
                String lines = argument(args, 2);
                if (!lines.matches("[0-9]{1,9}")) {
                    throw new IllegalArgumentException("Invalid number of lines: " + lines);
                }
                return "+OK\r\n" + stuffed(top.raw, Integer.parseInt(lines));
            case "DELE":
                message(args, 1);
                deleted.set(Integer.parseInt(args[1]));
                return "+OK Marked to be deleted.\r\n";
            case "RSET":
                deleted.clear();
                return "+OK\r\n";
            case "NOOP":
                return "+OK\r\n";
            case "QUIT":
                config.expunge(deleted.stream().mapToObj(n -> messages.get(n - 1)).toList());
                return "+OK Logging out.\r\n";
            default:
                throw new IllegalArgumentException("Unknown command: " + name);
        }
    }

    private String listing(String[] args, Function<Message, String> value) {
        if (args.length > 1) {
            return "+OK " + args[1] + " " + value.apply(message(args, 1)) + "\r\n";
        }
        StringBuilder listing = new StringBuilder("+OK\r\n");
        for (int n = 1; n <= messages.size(); n++) {
            if (!deleted.get(n)) {
                listing.append(n).append(' ').append(value.apply(messages.get(n - 1))).append("\r\n");
            }
        }
        return listing.append(".\r\n").toString();
    }

    private static String argument(String[] args, int index) {
        if (args.length <= index) {
            throw new IllegalArgumentException("Missing argument");
        }
        return args[index];
    }

    private Message message(String[] args, int index) {
        String number = argument(args, index);
        int n = number.matches("[0-9]{1,9}") ? Integer.parseInt(number) : 0;
        if (n < 1 || n > messages.size() || deleted.get(n)) {
            throw new IllegalArgumentException("There's no message " + number + ".");
        }
        return messages.get(n - 1);
    }

    /**
     * {@code raw} as a multi-line answer: CRLF line ends, lines starting with '.' doubled, the closing {@code .}
     * line; with {@code bodyLines} at 0 or more only the header and that many lines of the body (TOP).
     */
    static String stuffed(byte[] raw, int bodyLines) {
        String text = new String(raw, StandardCharsets.ISO_8859_1); // one character a byte, sent back the same
        int headerEnd = HostileServer.Mail.headerEnd(raw);
        StringBuilder out = new StringBuilder(text.length() + 64);
        int taken = 0;
        for (int pos = 0; pos < text.length(); ) {
            int newline = text.indexOf('\n', pos);
            int end = newline < 0 ? text.length() : newline;
            String line = text.substring(pos, end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end);
            if (pos >= headerEnd && bodyLines >= 0 && taken++ >= bodyLines) {
                break;
            }
            out.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            pos = newline < 0 ? text.length() : newline + 1;
        }
        return out.append(".\r\n").toString();
    }
}
