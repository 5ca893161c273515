package dev.mailaccess.imap;

import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.internet.MimeUtility;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header fields a FETCH of {@code BODY.PEEK[HEADER.FIELDS (...)]} brought, decoded as the library decodes header
 * values (unfolded, stripped, RFC 2047 words decoded), under the names the block gives them (one entry per name,
 * whatever its case; {@link ListingReader#complete} puts them under the names asked for). The block is read by
 * Jakarta Mail's {@code InternetHeaders} rules (line ends, continuation lines, a first line that is a continuation),
 * but without its objects: {@code InternetHeaders} makes some forty of them for every block, most of a listing's
 * garbage when header fields were asked for.
 */
final class HeaderFields {
    private HeaderFields() {
    }

    static Map<String, List<String>> of(InputStream block) {
        try {
            byte[] b = block.readAllBytes();
            return of(b, 0, b.length);
        } catch (IOException e) {
            return Map.of();
        }
    }

    static Map<String, List<String>> of(byte[] b, int from, int to) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        StringBuilder folded = new StringBuilder();
        String previous = null;
        boolean first = true;
        int pos = from;
        while (true) {
            String line = null;
            if (pos < to) {
                int end = pos;
                while (end < to && b[end] != '\n' && b[end] != '\r') {
                    end++;
                }
                line = new String(b, pos, end - pos, StandardCharsets.ISO_8859_1);
                pos = end < to && b[end] == '\r' && end + 1 < to && b[end + 1] == '\n' ? end + 2 : end + 1;
            }
            if (line != null && (line.startsWith(" ") || line.startsWith("\t"))) {
                if (previous != null) {
                    folded.append(previous);
                    previous = null;
                }
                if (first) {
                    String trimmed = line.trim();
                    folded.append(trimmed);
                } else {
                    if (folded.length() > 0) {
                        folded.append("\r\n");
                    }
                    folded.append(line);
                }
            } else {
                if (previous != null) {
                    add(out, previous);
                } else if (folded.length() > 0) {
                    add(out, folded.toString());
                    folded.setLength(0);
                }
                previous = line;
            }
            first = false;
            if (line == null || line.isEmpty()) {
                return out;
            }
        }
    }

    private static void add(Map<String, List<String>> out, String line) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? line.trim() : line.substring(0, colon).trim();
        String value = line;
        if (colon >= 0) {
            int v = colon + 1;
            while (v < line.length() && " \t\r\n".indexOf(line.charAt(v)) >= 0) {
                v++;
            }
            value = line.substring(v);
        }
        List<String> values = null;
        for (Map.Entry<String, List<String>> e : out.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                values = e.getValue();
            }
        }
        if (values == null) {
            values = new ArrayList<>(1);
            out.put(name, values);
        }
        values.add(MimeConversion.decodeText(MimeUtility.unfold(value).strip()));
    }
}
