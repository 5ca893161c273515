package dev.mailaccess.imap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The IMAP syntax of one response held in a byte array: atoms, numbers, strings (quoted, literal, NIL), lists skipped
 * whole. What the answer's parsers ({@link SummaryParser}, {@link StructureReader}) read it with; anything it does
 * not expect is {@link Unparsed}, never another exception, and every step moves on or throws at the end.
 */
class AnswerReader {
    /** This answer needs Angus's parser. Carries no stack trace: it is a routine signal, not an error. */
    static final class Unparsed extends Exception {
        Unparsed(String why) {
            super(why, null, false, false);
        }
    }

    byte[] b;
    int pos;
    int end;

    /** Reads {@code [from, to)} of {@code bytes} from now on. */
    void reset(byte[] bytes, int from, int to) {
        b = bytes;
        pos = from;
        end = to;
    }

    /**
     * Skips an item's value, from where the item's name ends: a section ({@code [...]}) and a partial range
     * ({@code <...>}) if any, then one list, string, literal or atom. Always moves on, or throws at the end.
     */
    void skipValue() throws Unparsed {
        if (peek() == '[') {
            while (peek() != ']') {
                if (b[pos] == '"') {
                    nstring();
                } else {
                    pos++;
                }
            }
            pos++;
            if (pos < end && b[pos] == '<') {
                while (peek() != '>') {
                    pos++;
                }
                pos++;
            }
        }
        skipSpaces();
        byte c = peek();
        if (c == '"' || c == '{') {
            nstring();
        } else if (c == '(') {
            int depth = 0;
            do {
                c = peek();
                if (c == '"' || c == '{') {
                    nstring();
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
                pos++;
            } while (depth > 0);
        } else {
            int start = pos;
            while (pos < end && b[pos] != ' ' && b[pos] != ')') {
                pos++;
            }
            if (pos == start) {
                throw new Unparsed("no value at " + pos);
            }
        }
    }


    /** NIL (null), or a literal's bytes as {@code {from, to}} of {@link #b}; a quoted string is {@link Unparsed}. */
    int[] literalBytes() throws Unparsed {
        skipSpaces();
        byte c = peek();
        if (c == '{') {
            int close = pos + 1;
            while (close < end && b[close] >= '0' && b[close] <= '9') {
                close++;
            }
            nstring();
            return new int[] {close + 3, pos};
        }
        if (nstring() != null) {
            throw new Unparsed("a quoted string where a literal was expected at " + pos);
        }
        return null;
    }

    byte peek() throws Unparsed {
        if (pos >= end) {
            throw new Unparsed("answer ends early");
        }
        return b[pos];
    }

    void expect(char c) throws Unparsed {
        skipSpaces();
        if (peek() != c) {
            throw new Unparsed("expected " + c + " at " + pos);
        }
        pos++;
    }

    void skipSpaces() {
        while (pos < end && b[pos] == ' ') {
            pos++;
        }
    }

    String atom() throws Unparsed {
        int s = pos;
        while (pos < end) {
            byte c = b[pos];
            if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{' || c == '[' || c < 0x20) {
                break;
            }
            pos++;
        }
        if (pos == s) {
            throw new Unparsed("expected an atom at " + pos);
        }
        return new String(b, s, pos - s, StandardCharsets.ISO_8859_1);
    }

    long number() throws Unparsed {
        skipSpaces();
        int s = pos;
        long n = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            if (pos - s == 18) {
                throw new Unparsed("a number beyond any count at " + s); // and beyond a long
            }
            n = n * 10 + (b[pos] - '0');
            pos++;
        }
        if (pos == s) {
            throw new Unparsed("expected a number at " + pos);
        }
        return n;
    }

    /** NIL (null), a quoted string or a literal. */
    String nstring() throws Unparsed {
        skipSpaces();
        byte c = peek();
        if (c == '"') {
            pos++;
            int s = pos;
            boolean escaped = false;
            while (true) {
                byte x = peek();
                if (x == '"') {
                    break;
                }
                if (x == '\\') {
                    escaped = true;
                    pos++;
                    peek();
                }
                pos++;
            }
            String out = text(s, pos);
            pos++;
            return escaped ? unescape(out) : out;
        }
        if (c == '{') {
            int close = pos + 1;
            long n = 0;
            while (close < end && b[close] >= '0' && b[close] <= '9' && close - pos <= 10) {
                n = n * 10 + (b[close] - '0');
                close++;
            }
            int s = close + 3; // past "}\r\n"
            if (close + 2 >= end || b[close] != '}' || b[close + 1] != '\r' || b[close + 2] != '\n'
                    || s + n > end) {
                throw new Unparsed("bad literal at " + pos);
            }
            pos = s + (int) n;
            return text(s, pos);
        }
        if ((c | 0x20) == 'n' && pos + 3 <= end && (b[pos + 1] | 0x20) == 'i' && (b[pos + 2] | 0x20) == 'l') {
            pos += 3;
            return null;
        }
        throw new Unparsed("expected a string at " + pos);
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                c = s.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    /** ASCII as it is; 8-bit bytes as UTF-8 when they are valid UTF-8, else as Latin-1 (what Angus does). */
    String text(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                try {
                    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(b, from, to - from)).toString();
                } catch (CharacterCodingException e) {
                    break;
                }
            }
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
