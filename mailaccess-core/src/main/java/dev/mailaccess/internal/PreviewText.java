package dev.mailaccess.internal;

import dev.mailaccess.BodyPart;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A message's preview (RFC 8970): up to 200 characters of its first text part, with the transfer encoding and
 * charset decoded, HTML reduced to its text, quoted lines ({@code >}) and quoted HTML ({@code <blockquote>}) left
 * out as Dovecot leaves them out, and white space folded to single spaces; never a trailing partial character. Works
 * on the start of a message or part as well as on all of it: a preview needs only the first few kilobytes.
 */
public final class PreviewText {
    /** The most characters a preview has (RFC 8970). */
    public static final int MAX_CHARS = 200;
    /** How much of a text part the emulated preview reads: enough for 200 characters after markup and encoding. */
    public static final int PART_BYTES = 2048;

    private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", "\u00a0");

    private PreviewText() {
    }

    /**
     * The preview of a message from its raw bytes (all of them, or the start).
     *
     * @param message RFC 5322 bytes, possibly cut short
     * @return the preview; empty if the message has no text part
     */
    public static String ofMessage(byte[] message) {
        return ofEntity(message, 0, message.length, 0);
    }

    /**
     * The preview of one text part from its content as stored (still transfer-encoded), all or the start of it.
     *
     * @param content     the part's body bytes
     * @param contentType the part's type, e.g. {@code text/html}
     * @param charset     its charset parameter, empty or null if none
     * @param encoding    its Content-Transfer-Encoding, empty or null if none
     * @return the preview
     */
    public static String ofPart(byte[] content, String contentType, String charset, String encoding) {
        return ofText(content, 0, content.length, contentType, charset, encoding);
    }

    /**
     * The part a preview is made of: the first {@code text/plain} or {@code text/html} part, depth first (the
     * message itself if it is not multipart and is text). An attachment counts, as it does for Dovecot.
     *
     * @param structure the message's MIME structure
     * @return the part, or null if the message has no text part
     */
    public static BodyPart firstTextPart(BodyPart structure) {
        if (structure.isMultipart()) {
            for (BodyPart child : structure.children()) {
                BodyPart found = child.isMultipart() || isText(child) ? firstTextPart(child) : null;
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return isText(structure) ? structure : null;
    }

    private static boolean isText(BodyPart p) {
        return p.contentType().equals("text/plain") || p.contentType().equals("text/html");
    }

    private static String ofEntity(byte[] b, int from, int to, int depth) {
        int bodyStart = headerEnd(b, from, to);
        Map<String, String> h = headers(b, from, bodyStart < 0 ? to : bodyStart);
        if (bodyStart < 0) {
            return "";
        }
        String type = h.getOrDefault("content-type", "text/plain");
        String mime = mimeType(type);
        if (mime.startsWith("multipart/") && depth < 20) {
            String boundary = parameter(type, "boundary");
            if (boundary == null || boundary.isEmpty()) {
                return depth > 0 ? null : "";
            }
            byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int part = nextDelimiter(b, bodyStart, to, delimiter);
            while (part >= 0) {
                int start = lineAfter(b, part + delimiter.length, to);
                if (start < 0 || isClose(b, part + delimiter.length, to)) {
                    break;
                }
                int next = nextDelimiter(b, start, to, delimiter);
                int end = next < 0 ? to : next;
                String text = ofEntity(b, start, trimLineEnd(b, start, end), depth + 1);
                if (text != null) {
                    return text;
                }
                part = next;
            }
            return depth > 0 ? null : ""; // no text here: a nested multipart lets the parent try its next part
        }
        if (depth > 0 && !(mime.equals("text/plain") || mime.equals("text/html"))) {
            return null; // not this part: the next one
        }
        if (!mime.equals("text/plain") && !mime.equals("text/html")) {
            return "";
        }
        return ofText(b, bodyStart, to, mime, parameter(type, "charset"), h.get("content-transfer-encoding"));
    }

    private static String ofText(byte[] b, int from, int to, String contentType, String charset, String encoding) {
        byte[] raw = decodeTransfer(b, from, to, encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT));
        String text = decodeCharset(raw, charset);
        boolean html = mimeType(contentType).equals("text/html");
        return fold(html ? htmlText(text) : unquoted(text));
    }

    // ---------------------------------------------------------------- text rules

    /** Lines that start with '>' left out (quoted text), as Dovecot's snippets leave them out. */
    private static String unquoted(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (String line : text.split("\r?\n|\r", -1)) {
            if (!line.startsWith(">")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Markup to white space, comments, style, script and blockquote content left out, entities decoded. */
    static String htmlText(String html) {
        StringBuilder sb = new StringBuilder(html.length());
        String lower = html.toLowerCase(Locale.ROOT);
        int i = 0;
        int quoted = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                if (lower.startsWith("<!--", i)) {
                    int end = lower.indexOf("-->", i + 4);
                    i = end < 0 ? html.length() : end + 3;
                    continue;
                }
                int end = html.indexOf('>', i);
                if (end < 0) {
                    break; // a tag cut off at the end of what was read
                }
                String tag = tagName(lower, i + 1, end);
                if (tag.equals("style") || tag.equals("script")) {
                    int close = lower.indexOf("</" + tag, end);
                    i = close < 0 ? html.length() : close;
                    continue;
                }
                if (tag.equals("blockquote")) {
                    quoted++;
                } else if (tag.equals("/blockquote") && quoted > 0) {
                    quoted--;
                }
                sb.append(' ');
                i = end + 1;
                continue;
            }
            if (quoted > 0) {
                i++;
                continue;
            }
            if (c == '&') {
                int semi = html.indexOf(';', i);
                if (semi > i + 1 && semi - i <= 10) {
                    String decoded = entity(html.substring(i + 1, semi));
                    if (decoded != null) {
                        sb.append(decoded);
                        i = semi + 1;
                        continue;
                    }
                }
            }
            sb.append(c);
            i++;
        }
        return sb.toString();
    }

    private static String tagName(String lower, int from, int end) {
        int i = from;
        while (i < end && (Character.isLetterOrDigit(lower.charAt(i)) || lower.charAt(i) == '/')) {
            i++;
        }
        return lower.substring(from, i);
    }

    private static String entity(String name) {
        if (name.startsWith("#")) {
            try {
                int cp = name.startsWith("#x") || name.startsWith("#X") ? Integer.parseInt(name.substring(2), 16)
                        : Integer.parseInt(name.substring(1));
                return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return ENTITIES.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * ASCII white space (space, tab, CR, LF, VT, FF) folded to one space, trimmed, at most {@link #MAX_CHARS}
     * characters (code points), a replacement character from a cut-off byte sequence dropped from the end. Every
     * other character stays as it is, no-break and other Unicode spaces too: Dovecot folds only these six.
     */
    static String fold(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_CHARS * 2));
        int count = 0;
        boolean space = false;
        for (int i = 0; i < text.length() && count < MAX_CHARS; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C) {
                space = sb.length() > 0;
                continue;
            }
            if (space) {
                sb.append(' ');
                count++;
                space = false;
                if (count == MAX_CHARS) {
                    break;
                }
            }
            sb.appendCodePoint(cp);
            count++;
        }
        int end = sb.length();
        while (end > 0 && (sb.charAt(end - 1) == ' ' || sb.charAt(end - 1) == '\uFFFD')) {
            end--;
        }
        return sb.substring(0, end);
    }

    // ---------------------------------------------------------------- decoding

    private static byte[] decodeTransfer(byte[] b, int from, int to, String encoding) {
        if (encoding.equals("base64")) {
            ByteArrayOutputStream clean = new ByteArrayOutputStream(to - from);
            for (int i = from; i < to; i++) {
                byte c = b[i];
                if (Character.isLetterOrDigit(c) || c == '+' || c == '/') {
                    clean.write(c);
                }
            }
            byte[] chars = clean.toByteArray();
            int whole = chars.length - chars.length % 4; // a cut-off quad is dropped
            try {
                return Base64.getDecoder().decode(ByteBuffer.wrap(chars, 0, whole)).array();
            } catch (IllegalArgumentException e) {
                return new byte[0];
            }
        }
        if (encoding.equals("quoted-printable")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
            for (int i = from; i < to; i++) {
                byte c = b[i];
                if (c != '=') {
                    out.write(c);
                } else if (i + 1 < to && (b[i + 1] == '\r' || b[i + 1] == '\n')) {
                    i += b[i + 1] == '\r' && i + 2 < to && b[i + 2] == '\n' ? 2 : 1; // soft line break
                } else if (i + 2 < to && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                    out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                    i += 2;
                } else if (i + 2 < to) {
                    out.write(c);
                }
            }
            return out.toByteArray();
        }
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    private static int hex(byte c) {
        return Character.digit(c, 16);
    }

    /** The charset named, else UTF-8 where the bytes are UTF-8, else Latin-1. */
    private static String decodeCharset(byte[] raw, String charset) {
        Charset cs = null;
        if (charset != null && !charset.isBlank()) {
            try {
                cs = Charset.forName(charset.strip());
            } catch (IllegalArgumentException unknown) {
                cs = null;
            }
        }
        if (cs == null || cs.equals(StandardCharsets.US_ASCII)) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw)).toString();
            } catch (CharacterCodingException notUtf8) {
                cs = cs == null ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
            }
        }
        return cs.decode(ByteBuffer.wrap(raw)).toString(); // malformed bytes as U+FFFD
    }

    // ---------------------------------------------------------------- MIME structure

    /** Where the body starts (after the empty line), or -1 if the header does not end within the bytes. */
    private static int headerEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (b[i] == '\n') {
                return i + 1; // an empty first line: no header
            }
            if (b[i] == '\r' && i + 1 < to && b[i + 1] == '\n') {
                return i + 2;
            }
            int nl = i;
            while (nl < to && b[nl] != '\n') {
                nl++;
            }
            if (nl >= to) {
                return -1;
            }
            i = nl + 1;
        }
        return -1;
    }

    private static Map<String, String> headers(byte[] b, int from, int to) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = new String(b, from, to - from, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]+", " ");
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                out.putIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    private static String mimeType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    /** A parameter of a header value, quotes removed; null if absent. */
    static String parameter(String value, String name) {
        for (String p : value.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    /** The next line starting with the delimiter, from {@code from} on; -1 if none. */
    private static int nextDelimiter(byte[] b, int from, int to, byte[] delimiter) {
        for (int i = from; i + delimiter.length <= to; i++) {
            if ((i == from || b[i - 1] == '\n') && matches(b, i, delimiter)) {
                int after = i + delimiter.length;
                // "--b" starts "--b_in" too: a delimiter line has only "--" or white space after the boundary
                if (after >= to || b[after] == '\r' || b[after] == '\n' || b[after] == ' ' || b[after] == '\t'
                        || b[after] == '-' && after + 1 < to && b[after + 1] == '-') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static boolean matches(byte[] b, int at, byte[] what) {
        for (int k = 0; k < what.length; k++) {
            if (b[at + k] != what[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isClose(byte[] b, int at, int to) {
        return at + 1 < to && b[at] == '-' && b[at + 1] == '-';
    }

    private static int lineAfter(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The part ends before the line break that precedes the next delimiter. */
    private static int trimLineEnd(byte[] b, int from, int end) {
        int e = end;
        if (e > from && b[e - 1] == '\n') {
            e--;
            if (e > from && b[e - 1] == '\r') {
                e--;
            }
        }
        return e;
    }
}
