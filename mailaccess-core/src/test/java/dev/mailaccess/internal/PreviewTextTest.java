package dev.mailaccess.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The local preview rules on inputs the servers' tests do not reach: text cut off where the emulation stops reading. */
class PreviewTextTest {
    private static final String LONG = "Grüße aus Zürich, ein sehr langer Satz. ".repeat(20);

    @Test
    void theStartOfAPartGivesTheSamePreviewAsAllOfIt() {
        byte[] all = LONG.getBytes(StandardCharsets.UTF_8);
        String whole = PreviewText.ofPart(all, "text/plain", "utf-8", "8bit");
        assertThat(whole.codePointCount(0, whole.length())).isBetween(PreviewText.MAX_CHARS - 1, PreviewText.MAX_CHARS); // a space at 200 is trimmed
        for (int cut = 400; cut < all.length; cut += 7) { // cuts inside two-byte characters too
            assertThat(PreviewText.ofPart(Arrays.copyOf(all, cut), "text/plain", "utf-8", "8bit"))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void aCutOffBase64PartDropsTheIncompleteQuadAndCharacter() {
        String b64 = Base64.getMimeEncoder().encodeToString("日本語 text".getBytes(StandardCharsets.UTF_8));
        for (int cut = 1; cut <= b64.length(); cut++) {
            String got = PreviewText.ofPart(b64.substring(0, cut).getBytes(StandardCharsets.US_ASCII),
                    "text/plain", "utf-8", "base64");
            assertThat("日本語 text").as("cut at %d", cut).startsWith(got);
            assertThat(got).doesNotContain("\uFFFD");
        }
    }

    @Test
    void aCutOffHtmlTagIsNotShown() {
        assertThat(PreviewText.ofPart("<p>Hello <b>world</b> <a href=\"http://exa".getBytes(StandardCharsets.UTF_8),
                "text/html", "utf-8", "")).isEqualTo("Hello world");
    }

    @Test
    void aMessageWhoseHeaderIsCutOffHasNoPreview() {
        assertThat(PreviewText.ofMessage("Subject: x\r\nContent-Type: text/pl".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
    }

    @Test
    void theFirstTextPartOfANestedMultipartAfterAnImage() {
        String m = "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: image/png\r\n\r\nPNG\r\n"
                + "--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: text/plain\r\n\r\n  the   text\r\n--b--\r\n--a--\r\n";
        assertThat(PreviewText.ofMessage(m.getBytes(StandardCharsets.US_ASCII))).isEqualTo("the text");
    }
}
