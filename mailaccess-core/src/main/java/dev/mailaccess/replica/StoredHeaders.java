package dev.mailaccess.replica;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Header values of a stored message, read from its first bytes: what the replica needs to know of a message it
 * stores (Message-ID, and Subject, From and Date for the offline listing) without parsing it as MIME.
 */
final class StoredHeaders {
    private StoredHeaders() {
    }

    /** A few header values of a stored message, unfolded, raw. */
    static Map<String, String> headers(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new LinkedHashMap<>();
        }
        return headers(head);
    }

    /**
     * One header's value as {@link #headers(byte[], int)} gives it (the first occurrence, unfolded, stripped; ""
     * if absent), without building the others: for the Message-ID of every downloaded message.
     *
     * @param name the header name in lower case
     */
    static String header(byte[] head, int length, String name) {
        int pos = 0;
        while (pos < length) {
            int newline = lineEnd(head, pos, length);
            int end = contentEnd(head, pos, newline, length);
            if (end == pos) {
                return ""; // the blank line: end of the header
            }
            int colon = pos + name.length();
            if (colon < end && head[colon] == ':' && head[pos] != ' ' && head[pos] != '\t'
                    && new String(head, pos, name.length(), StandardCharsets.ISO_8859_1).equalsIgnoreCase(name)) {
                StringBuilder value = new StringBuilder(
                        new String(head, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1));
                for (pos = newline + 1; pos < length && (head[pos] == ' ' || head[pos] == '\t'); pos = newline + 1) {
                    newline = lineEnd(head, pos, length);
                    value.append(' ').append(new String(head, pos, contentEnd(head, pos, newline, length) - pos,
                            StandardCharsets.ISO_8859_1).strip());
                }
                return value.toString().strip();
            }
            pos = newline + 1;
        }
        return "";
    }

    private static int lineEnd(byte[] head, int from, int length) {
        int i = from;
        while (i < length && head[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Where a line's text ends: before its CR LF or LF. */
    private static int contentEnd(byte[] head, int from, int newline, int length) {
        return newline > from && newline < length && head[newline - 1] == '\r' ? newline - 1 : newline;
    }

    /** The same, from the first bytes of a message. */
    static Map<String, String> headers(byte[] head) {
        return headers(head, head.length);
    }

    /** The same, from the first {@code length} bytes; reads no further than the blank line ending the header. */
    static Map<String, String> headers(byte[] head, int length) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        StringBuilder value = new StringBuilder();
        int pos = 0;
        while (pos < length) {
            int newline = lineEnd(head, pos, length);
            int end = contentEnd(head, pos, newline, length);
            if (end == pos) {
                break;
            }
            String line = new String(head, pos, end - pos, StandardCharsets.ISO_8859_1);
            pos = newline + 1;
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (current != null) {
                out.putIfAbsent(current, value.toString().strip());
            }
            int colon = line.indexOf(':');
            current = colon > 0 ? line.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : null;
            value = new StringBuilder(colon > 0 ? line.substring(colon + 1) : "");
        }
        if (current != null) {
            out.putIfAbsent(current, value.toString().strip());
        }
        return out;
    }
}
