package dev.mailaccess.imap;

import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ProtocolException;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the threads of a {@code * THREAD} answer (RFC 5256): {@code (2)(3 6 (4 23)(44 7 96))} is two threads, the
 * second 3, its reply 6, and under 6 the branches 4-23 and 44-7-96; a list that starts with a list, {@code ((3)(5))},
 * is a thread whose root is missing (a placeholder).
 */
final class ThreadAnswer {
    private final String text;
    /** Deeper nesting than this is refused rather than risking the stack (a chain of replies does not nest). */
    private static final int MAX_DEPTH = 5_000;
    private final long uidValidity;
    private int pos;
    private int depth;

    private ThreadAnswer(String text, long uidValidity) {
        this.text = text;
        this.uidValidity = uidValidity;
    }

    /**
     * The threads of the text after {@code THREAD}.
     *
     * @throws ProtocolException if the text is not a thread list
     */
    static List<MessageThread> parse(String text, long uidValidity) {
        ThreadAnswer a = new ThreadAnswer(text == null ? "" : text, uidValidity);
        List<MessageThread> out = new ArrayList<>();
        a.skipSpaces();
        while (a.pos < a.text.length()) {
            out.add(a.list());
            a.skipSpaces();
        }
        return out;
    }

    /** {@code "(" (thread-members / thread-nested) ")"}. */
    private MessageThread list() {
        if (++depth > MAX_DEPTH) {
            throw bad("nested deeper than " + MAX_DEPTH);
        }
        expect('(');
        skipSpaces();
        List<MessageRef> chain = new ArrayList<>();
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            chain.add(MessageRef.imap(uidValidity, number()));
            skipSpaces();
        }
        List<MessageThread> nested = new ArrayList<>();
        while (pos < text.length() && text.charAt(pos) == '(') {
            nested.add(list());
            skipSpaces();
        }
        expect(')');
        depth--;
        if (chain.isEmpty()) {
            return new MessageThread(null, nested);
        }
        MessageThread t = new MessageThread(chain.get(chain.size() - 1), nested);
        for (int i = chain.size() - 2; i >= 0; i--) {
            t = new MessageThread(chain.get(i), List.of(t));
        }
        return t;
    }

    private long number() {
        int start = pos;
        while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
            pos++;
        }
        if (pos - start > 10) {
            throw bad("a UID out of range");
        }
        long n = Long.parseLong(text.substring(start, pos));
        if (n <= 0 || n > 0xFFFF_FFFFL) {
            throw bad("UID " + n + " out of range");
        }
        return n;
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw bad("'" + c + "' expected");
        }
        pos++;
    }

    private void skipSpaces() {
        while (pos < text.length() && text.charAt(pos) == ' ') {
            pos++;
        }
    }

    private ProtocolException bad(String what) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return new ProtocolException("unreadable THREAD answer at " + pos + " (" + what + "): " + shown, null);
    }
}
