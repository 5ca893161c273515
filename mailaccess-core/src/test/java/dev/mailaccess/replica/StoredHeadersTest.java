package dev.mailaccess.replica;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The header values the replica reads from a stored message's first bytes. */
class StoredHeadersTest {
    @Test
    void oneHeaderIsReadAsTheWholeHeaderParseReadsIt() {
        List<String> heads = List.of(
                "Subject: x\r\nMessage-ID: <a@b>\r\n\r\nMessage-ID: <body@b>\r\n",
                "message-id:<lower@b>\nSubject: y\n\nbody",
                "MESSAGE-ID: \r\n  <folded@b>\r\n\t(comment)\r\nX: y\r\n\r\n",
                "Message-ID: <first@b>\r\nMessage-ID: <second@b>\r\n\r\n",
                "Message-ID : <spaced@b>\r\n\r\n",
                " Message-ID: <continuation@b>\r\n\r\n",
                "Subject: no id\r\n\r\n",
                "Message-ID: <truncated@b",
                "Message-IDs: <other@b>\r\n\r\n",
                "",
                "\r\nMessage-ID: <after-blank@b>\r\n");
        for (String h : heads) {
            byte[] bytes = h.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(StoredHeaders.header(bytes, bytes.length, "message-id")).as(h)
                    .isEqualTo(StoredHeaders.headers(bytes).getOrDefault("message-id", ""));
        }
        byte[] bytes = heads.get(0).getBytes(StandardCharsets.ISO_8859_1);
        assertThat(StoredHeaders.header(bytes, bytes.length, "message-id")).isEqualTo("<a@b>");
        assertThat(StoredHeaders.header(bytes, 12, "message-id")).isEmpty(); // only the bytes given count
    }
}
