package dev.mailaccess.internal;

import java.text.Normalizer;
import java.util.Locale;

/**
 * The base subject of RFC 5256 section 2.1, by which SORT and THREAD compare subjects: the decoded subject without
 * reply and forward markers ({@code Re:}, {@code Fwd:}, {@code [list]} blobs, a trailing {@code (fwd)},
 * {@code [fwd: ...]}) and with white space folded, and whether anything marked it as a reply or forward.
 *
 * @param text             the base subject, as written (case kept)
 * @param replyOrForward   whether a {@code re}/{@code fw}/{@code fwd} leader, a {@code (fwd)} trailer or a
 *                         {@code [fwd: ...]} wrapper was removed
 */
public record BaseSubject(String text, boolean replyOrForward) {

    /**
     * The base subject of a decoded subject.
     *
     * @param subject the subject with RFC 2047 words decoded; null is taken as empty
     * @return its base subject
     */
    public static BaseSubject of(String subject) {
        String s = fold(subject == null ? "" : subject);
        boolean reply = false;
        while (true) {
            // (2) trailers: "(fwd)" and white space
            while (true) {
                String t = s;
                if (t.endsWith(" ")) {
                    t = t.substring(0, t.length() - 1);
                } else if (t.regionMatches(true, t.length() - 5, "(fwd)", 0, 5) && t.length() >= 5) {
                    t = t.substring(0, t.length() - 5);
                    reply = true;
                }
                if (t.equals(s)) {
                    break;
                }
                s = t;
            }
            // (3)-(5) leaders and blobs
            while (true) {
                String t = s;
                int leader = leaderLength(t);
                if (leader > 0) {
                    if (leader != 1 || t.charAt(0) != ' ') {
                        reply = true;
                    }
                    t = t.substring(leader);
                } else {
                    int blob = blobLength(t, 0);
                    if (blob > 0 && blob < t.length()) {
                        t = t.substring(blob);
                    }
                }
                if (t.equals(s)) {
                    break;
                }
                s = t;
            }
            // (6) [fwd: ...]
            if (s.length() >= 6 && s.regionMatches(true, 0, "[fwd:", 0, 5) && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                reply = true;
                continue;
            }
            return new BaseSubject(s, reply);
        }
    }

    /**
     * The key by which base subjects compare: RFC 5051's i;unicode-casemap (title case, then NFKD).
     *
     * @return the comparison key of {@link #text()}
     */
    public String key() {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> sb.appendCodePoint(Character.toTitleCase(cp)));
        return Normalizer.normalize(sb.toString(), Normalizer.Form.NFKD);
    }

    /** Tabs and line breaks to spaces, runs of spaces to one. */
    private static String fold(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                space = true;
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.append(c);
        }
        if (space) {
            sb.append(' ');
        }
        return sb.toString();
    }

    /**
     * The length of a subj-leader at the start: {@code *subj-blob subj-refwd} or one white space; 0 if none.
     * {@code subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"}.
     */
    private static int leaderLength(String s) {
        if (s.startsWith(" ")) {
            return 1;
        }
        int i = 0;
        while (true) {
            int blob = blobLength(s, i);
            if (blob == 0) {
                break;
            }
            i += blob;
        }
        String lower = s.substring(i).toLowerCase(Locale.ROOT);
        int j;
        if (lower.startsWith("re")) {
            j = 2;
        } else if (lower.startsWith("fwd")) {
            j = 3;
        } else if (lower.startsWith("fw")) {
            j = 2;
        } else {
            return 0;
        }
        j += i;
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        j += blobLength(s, j);
        return j < s.length() && s.charAt(j) == ':' ? j + 1 : 0;
    }

    /** The length of {@code "[" *BLOBCHAR "]" *WSP} at {@code from}; 0 if there is none. */
    private static int blobLength(String s, int from) {
        if (from >= s.length() || s.charAt(from) != '[') {
            return 0;
        }
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != ']' && s.charAt(i) != '[') {
            i++;
        }
        if (i >= s.length() || s.charAt(i) != ']') {
            return 0;
        }
        i++;
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i - from;
    }
}
