package dev.mailaccess.imap;

import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.Header;
import jakarta.mail.internet.InternetHeaders;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The listing's header-field reader gives what Jakarta Mail's InternetHeaders and the library's decoding give. */
class HeaderFieldsTest {
    private static Map<String, List<String>> jakarta(byte[] block) throws Exception {
        InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(block));
        List<String> names = new ArrayList<>();
        for (Enumeration<Header> e = headers.getAllHeaders(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (names.stream().noneMatch(name::equalsIgnoreCase)) {
                names.add(name);
            }
        }
        return byLowerName(MimeConversion.headers(headers, names));
    }

    private static Map<String, List<String>> byLowerName(Map<String, List<String>> m) {
        Map<String, List<String>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return out;
    }

    @Test
    void blocksAsInternetHeadersReadsThem() throws Exception {
        for (String block : List.of(
                "List-Id: <a.b>\r\nX-Mailer: =?utf-8?q?caf=C3=A9?=\r\nList-ID:  two\r\n\r\n",
                "Subject: folded\r\n  across\r\n\tthree lines\r\nX: y\r\n\r\n",
                " a first line that continues nothing\r\nX: y\r\n\r\n",
                "  \r\nX: after a blank continuation\r\n\r\n",
                "X: bare\nY: line\nZ: feeds\n\n",
                "X: lone\rY: carriage\rreturns\r\r",
                "no colon at all\r\nX:\r\nY:   \r\n\r\n",
                "X: one\r\nx: two\r\nX: three\r\n\r\nBody: not a header\r\n",
                "X: ends without a blank line",
                "",
                "\r\n",
                "X: =?iso-8859-1?q?caf=E9?= and =?utf-8?b?w6k=?=\r\nLatin: caf\u00e9\r\n\r\n")) {
            byte[] b = block.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(byLowerName(HeaderFields.of(b, 0, b.length))).as(block).isEqualTo(jakarta(b));
        }
    }
}
