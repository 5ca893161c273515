package dev.mailaccess.testkit;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fixed messages for preview tests, by name, each a case a preview rule is about. CRLF line ends. */
final class PreviewCases {
    /** The preview of the first case, {@code plain}. */
    static final String PLAIN_PREVIEW = "Hello Alice, the quarterly report is attached. Regards, Bob";

    private PreviewCases() {
    }

    static Map<String, byte[]> fixed() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("plain", single("text/plain; charset=us-ascii", "7bit",
                "Hello Alice,\r\n\r\n  the quarterly\treport is attached.\r\n\r\nRegards,\r\nBob\r\n"));
        m.put("html", single("text/html; charset=utf-8", "8bit", "<html><head><title>T</title>"
                + "<style>p { color: red; }</style></head><body><p>Hi   <b>there</b>,</p>\r\n"
                + "<p>caf\u00e9 &amp; more &lt;3 &#8364;5 &#x263A;</p><!-- a comment --><div>end</div></body></html>"));
        m.put("html-nbsp", single("text/html; charset=utf-8", "7bit",
                "<p>Nothing <b>to</b>&nbsp;see &#160; here&nbsp;&nbsp;at all</p>"));
        m.put("unicode-spaces", single("text/plain; charset=utf-8", "8bit",
                "a\u00a0b \u2003 c\u000bd\u000ce\u3000f\u0085g"));
        m.put("html-blockquote", single("text/html; charset=utf-8", "7bit", "<p>My answer.</p><blockquote>"
                + "<p>The question</p></blockquote><p>Thanks</p>"));
        m.put("quoted-lines", single("text/plain; charset=utf-8", "7bit",
                "Yes, agreed.\r\n> did you agree?\r\n>> earlier\r\n\r\nCheers\r\n"));
        m.put("quoted-printable", single("text/plain; charset=iso-8859-1", "quoted-printable",
                "Gr=FC=DFe aus Z=FCrich, ein sehr langer Satz, der wei=\r\nter geht.\r\n"));
        m.put("base64-utf8", single("text/plain; charset=utf-8", "base64", base64Lines(
                "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \u3068 English words \ud83d\ude42 end")));
        m.put("koi8-r", single("text/plain; charset=koi8-r", "8bit", "\u041f\u0440\u0438\u0432\u0435\u0442, "
                + "\u041c\u043e\u0441\u043a\u0432\u0430!", Charset.forName("KOI8-R")));
        m.put("multipart-text-second", multipart("<p>ignored?</p>", "Second part is the text.\r\n"));
        m.put("long", single("text/plain; charset=utf-8", "8bit",
                ("Lorem ipsum dolor sit amet, consectetur adipiscing \u00e9lit. ").repeat(12)));
        m.put("long-multibyte", single("text/plain; charset=utf-8", "8bit", "\ud83d\ude42".repeat(250)));
        m.put("no-text", single("application/octet-stream", "base64", base64Lines("\u0000\u0001binary")));
        m.put("empty-body", single("text/plain", "7bit", ""));
        return m;
    }

    private static byte[] single(String type, String encoding, String body) {
        return single(type, encoding, body, StandardCharsets.UTF_8);
    }

    private static byte[] single(String type, String encoding, String body, Charset charset) {
        byte[] head = ("From: bob@example.test\r\nTo: alice@example.test\r\nSubject: preview\r\n"
                + "Date: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <" + Integer.toHexString(body.hashCode())
                + type.hashCode() + "@preview.example>\r\nMIME-Version: 1.0\r\nContent-Type: " + type
                + "\r\nContent-Transfer-Encoding: " + encoding + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] b = body.getBytes(charset);
        byte[] out = new byte[head.length + b.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(b, 0, out, head.length, b.length);
        return out;
    }

    /** A multipart/mixed whose first part is an attachment and whose second is the text. */
    private static byte[] multipart(String attachedHtml, String text) {
        String s = "From: bob@example.test\r\nTo: alice@example.test\r\nSubject: parts\r\n"
                + "Date: Mon, 4 Mar 2024 10:00:00 +0000\r\nMessage-ID: <parts@preview.example>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nContent-Disposition: attachment; filename=a.html\r\n\r\n"
                + attachedHtml + "\r\n--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n--b2\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n--b2\r\n"
                + "Content-Type: text/html; charset=utf-8\r\n\r\n<p>" + text + "</p>\r\n--b2--\r\n--b1--\r\n";
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64Lines(String text) {
        String b = Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length(); i += 76) {
            sb.append(b, i, Math.min(b.length(), i + 76)).append("\r\n");
        }
        return sb.toString();
    }
}
