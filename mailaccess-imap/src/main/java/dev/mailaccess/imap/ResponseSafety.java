package dev.mailaccess.imap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides whether an untagged response is safe to give to Angus's parsers. Those parsers loop until they see a
 * closing parenthesis and do not always move on when they meet something unexpected: a body extension holding an
 * atom, a negative number in a BODYSTRUCTURE, a STATUS list that ends early or an unclosed list make Angus 2.0.5 spin
 * forever on one CPU (found by {@code FetchAnswerFuzzTest}). A response is refused when
 * <ul>
 *   <li>its parentheses (outside strings and literals) do not close, or a quoted string does not end;</li>
 *   <li>an {@code ENVELOPE}, {@code BODYSTRUCTURE} or {@code BODY} structure holds anything but parentheses,
 *       strings, literals, {@code NIL} and (in a body structure) unsigned numbers, which is all their grammar
 *       allows (RFC 3501);</li>
 *   <li>a {@code STATUS} or {@code QUOTA} list is not the atom and number pairs (triples) it must be.</li>
 * </ul>
 * A refused response is skipped as Angus skips one it cannot parse; the listing's own parser never needs this.
 */
final class ResponseSafety {
    private final byte[] b;
    private final int end;
    private int pos;

    private ResponseSafety(byte[] b, int from, int to) {
        this.b = b;
        this.pos = from;
        this.end = to;
    }

    /** Why the response in {@code [from, to)} (its line end excluded) is unsafe for Angus, or null. */
    static String problem(byte[] b, int from, int to) {
        String balance = new ResponseSafety(b, from, to).balance();
        if (balance != null) {
            return balance;
        }
        ResponseSafety s = new ResponseSafety(b, from, to);
        if (!s.untaggedKey()) {
            return null;
        }
        int key = s.pos;
        s.pos = s.atomEnd();
        if (s.is(key, "FETCH")) {
            return s.fetchStructures();
        } else if (s.is(key, "STATUS")) {
            return s.list(2, "STATUS");
        } else if (s.is(key, "QUOTA")) {
            return s.list(3, "QUOTA");
        }
        return null;
    }

    /** Parentheses close and strings end; literals are skipped whole (the reader framed them). */
    private String balance() {
        int depth = 0;
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                if (!skipQuoted()) {
                    return "a quoted string does not end";
                }
                continue;
            }
            if (c == '{' && skipLiteral()) {
                continue;
            }
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            pos++;
        }
        return depth > 0 ? "a list is not closed" : null;
    }

    /**
     * Moves to the key of an untagged response ({@code * FETCH}, {@code * STATUS}: the word after the number or
     * star); false if this is no untagged response. No strings: this runs for every response Angus reads.
     */
    private boolean untaggedKey() {
        if (end - pos < 3 || b[pos] != '*' || b[pos + 1] != ' ') {
            return false;
        }
        pos += 2;
        int first = pos;
        int firstEnd = atomEnd();
        if (firstEnd > first && Character.isDigit(b[first])) {
            pos = firstEnd;
            skipSpaces();
        }
        return true;
    }

    /** The atom starting at {@code pos} is {@code word} (upper case, ASCII), ignoring case. */
    private boolean is(int start, String word) {
        int stop = atomEndFrom(start);
        if (stop - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            int c = b[start + i] & 0xff;
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            if (c != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Every ENVELOPE, BODYSTRUCTURE and BODY structure in a FETCH answer holds only what its grammar allows. */
    private String fetchStructures() {
        while (pos < end) {
            byte c = b[pos];
            if (c == '"') {
                skipQuoted();
            } else if (c == '{' && skipLiteral()) {
                continue;
            } else if (isAtomChar(c)) {
                int word = pos;
                pos = atomEnd();
                boolean envelope = is(word, "ENVELOPE");
                boolean structure = !envelope && (is(word, "BODYSTRUCTURE") || is(word, "BODY"));
                if ((envelope || structure) && pos + 1 < end && b[pos] == ' ' && b[pos + 1] == '(') {
                    pos++;
                    String problem = structure(structure);
                    if (problem != null) {
                        return new String(b, word, atomEndFrom(word) - word, StandardCharsets.ISO_8859_1)
                                .toUpperCase(Locale.ROOT) + ": " + problem;
                    }
                }
                continue;
            }
            pos++;
        }
        return null;
    }

    /** The list at {@code pos}: only lists, strings, literals, NIL and (where {@code numbers}) unsigned numbers. */
    private String structure(boolean numbers) {
        int depth = 0;
        do {
            byte c = b[pos];
            if (c == '(') {
                depth++;
                pos++;
            } else if (c == ')') {
                depth--;
                pos++;
            } else if (c == ' ') {
                pos++;
            } else if (c == '"') {
                skipQuoted();
            } else if (c == '{') {
                if (!skipLiteral()) {
                    return "a brace that announces no literal";
                }
            } else {
                int word = pos;
                pos = atomEnd();
                if (pos == word) {
                    return "an unexpected byte " + (c & 0xff);
                }
                if (!is(word, "NIL") && !(numbers && digitsOnly(word, pos))) {
                    return "'" + abbreviate(new String(b, word, pos - word, StandardCharsets.ISO_8859_1))
                            + "' where only strings, numbers and NIL may stand";
                }
            }
        } while (depth > 0 && pos < end);
        return depth > 0 ? "a list is not closed" : null;
    }

    /** {@code mailbox (atom number ...)} with {@code width} words a group (an atom and numbers). */
    private String list(int width, String what) {
        skipSpaces();
        if (pos < end && b[pos] == '"') {
            skipQuoted();
        } else if (pos < end && b[pos] == '{') {
            skipLiteral();
        } else {
            atom();
        }
        skipSpaces();
        if (pos >= end || b[pos] != '(') {
            return what + " without its list";
        }
        pos++;
        int n = 0;
        while (true) {
            skipSpaces();
            if (pos < end && b[pos] == ')') {
                return n % width == 0 ? null : what + " list ends in the middle of an entry";
            }
            String word = atom();
            boolean wanted = n % width == 0 ? !word.isEmpty() && !Character.isDigit(word.charAt(0))
                    : !word.isEmpty() && word.chars().allMatch(Character::isDigit);
            if (!wanted) {
                return what + " list holds '" + abbreviate(word) + "' where " + (n % width == 0 ? "a name"
                        : "a number") + " must stand";
            }
            n++;
        }
    }

    private boolean skipQuoted() {
        pos++;
        while (pos < end) {
            byte c = b[pos];
            if (c == '\\') {
                pos += 2;
                continue;
            }
            pos++;
            if (c == '"') {
                return true;
            }
        }
        return false;
    }

    /** Skips {@code {n}CRLF} and n bytes if a literal starts at {@code pos}; false (nothing skipped) if not. */
    private boolean skipLiteral() {
        int i = pos + 1;
        long n = 0;
        int digits = 0;
        while (i < end && b[i] >= '0' && b[i] <= '9' && digits < 10) {
            n = n * 10 + (b[i] - '0');
            digits++;
            i++;
        }
        if (i < end && b[i] == '+') {
            i++;
        }
        if (digits == 0 || i >= end || b[i] != '}') {
            return false;
        }
        i++;
        if (i < end && b[i] == '\r') {
            i++;
        }
        if (i >= end || b[i] != '\n') {
            return false;
        }
        long next = i + 1 + n;
        if (next > end) {
            return false;
        }
        pos = (int) next;
        return true;
    }

    private String atom() {
        int start = pos;
        pos = atomEnd();
        return new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
    }

    /** Where the atom at {@code pos} ends ({@code pos} itself if none starts there); {@code pos} does not move. */
    private int atomEnd() {
        return atomEndFrom(pos);
    }

    private int atomEndFrom(int from) {
        int i = from;
        while (i < end && isAtomChar(b[i])) {
            i++;
        }
        return i;
    }

    private boolean digitsOnly(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** Bytes Angus reads as part of an atom (its ATOM_CHAR_DELIM stops at these and at controls). */
    private static boolean isAtomChar(byte c) {
        int x = c & 0xff;
        return x > ' ' && x != 0x7f && x != '(' && x != ')' && x != '{' && x != '"' && x != '\\' && x != '%'
                && x != '*' && x != ']' && x != '[';
    }

    private void skipSpaces() {
        while (pos < end && b[pos] == ' ') {
            pos++;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 30 ? s : s.substring(0, 30) + "…";
    }
}
