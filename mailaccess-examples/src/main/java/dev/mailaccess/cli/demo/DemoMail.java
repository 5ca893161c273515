package dev.mailaccess.cli.demo;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The demo's mailbox: eight raw RFC 5322 messages, oldest first. Plain text, an RFC 2047 encoded non-ASCII subject
 * and sender, an attachment, and a multipart/alternative newsletter.
 */
public final class DemoMail {
    /** Subject of the message with the attachment. */
    public static final String ATTACHMENT_SUBJECT = "Q3 figures";
    /** File name of the attachment. */
    public static final String ATTACHMENT_NAME = "q3-figures.csv";
    /** The attachment's content. */
    public static final String ATTACHMENT_CONTENT = "region,revenue\r\nnorth,1200\r\nsouth,950\r\nwest,1430\r\n";
    /** The decoded non-ASCII subject. */
    public static final String GREETINGS_SUBJECT = "Grüße aus Köln";

    private DemoMail() {
    }

    /** The messages, oldest first, as raw bytes with CRLF line ends. */
    public static List<byte[]> messages() {
        return List.of(
                plain(1, "Alice Example <alice@example.org>", "Mon, 03 Mar 2025 09:12:00 +0100",
                        "Welcome to mailaccess", "Hi,\n\nthis mailbox was made up for the demo.\n\nAlice\n"),
                plain(2, "Bob <bob@example.net>", "Mon, 03 Mar 2025 11:40:00 +0100",
                        "Lunch on Friday?", "Shall we try the new place on Friday at noon?\n"),
                greetings(),
                attachment(),
                newsletter(),
                plain(6, "CI <ci@example.org>", "Wed, 05 Mar 2025 03:05:00 +0000",
                        "Build failed: main #1234", "Test ImapAdapterTest.fetchesEnvelope failed.\n"),
                plain(7, "Carol <carol@example.com>", "Wed, 05 Mar 2025 10:30:00 +0100",
                        "Re: Lunch on Friday?", "Count me in.\n\n> Shall we try the new place on Friday at noon?\n"),
                plain(8, "Billing <billing@example.com>", "Thu, 06 Mar 2025 08:00:00 +0100",
                        "Your invoice 2025-0042", "Amount due: EUR 12.00, payable by 31 March 2025.\n"));
    }

    private static String headers(String from, String date, String subject, int n) {
        return "From: " + from + "\n"
                + "To: Demo User <demo@example.test>\n"
                + "Date: " + date + "\n"
                + "Subject: " + subject + "\n"
                + "Message-ID: <demo-" + n + "@mailaccess.dev>\n"
                + "MIME-Version: 1.0\n";
    }

    private static byte[] plain(int n, String from, String date, String subject, String body) {
        return crlf(headers(from, date, subject, n)
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "\n" + body);
    }

    private static byte[] greetings() {
        return crlf(headers("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>",
                "Tue, 04 Mar 2025 17:45:00 +0100", "=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=", 3)
                + "Content-Type: text/plain; charset=utf-8\n"
                + "Content-Transfer-Encoding: quoted-printable\n"
                + "\n"
                + "Viele Gr=C3=BC=C3=9Fe vom Rhein, und bis bald in K=C3=B6ln!\n");
    }

    private static byte[] attachment() {
        String b64 = Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ATTACHMENT_CONTENT.getBytes(StandardCharsets.US_ASCII));
        return crlf(headers("Dana <dana@example.org>", "Tue, 04 Mar 2025 18:02:00 +0100", ATTACHMENT_SUBJECT, 4)
                + "Content-Type: multipart/mixed; boundary=\"mixed-4\"\n"
                + "\n"
                + "--mixed-4\n"
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "\n"
                + "The figures are attached.\n"
                + "--mixed-4\n"
                + "Content-Type: text/csv; name=\"" + ATTACHMENT_NAME + "\"\n"
                + "Content-Disposition: attachment; filename=\"" + ATTACHMENT_NAME + "\"\n"
                + "Content-Transfer-Encoding: base64\n"
                + "\n"
                + b64 + "\n"
                + "--mixed-4--\n");
    }

    private static byte[] newsletter() {
        return crlf(headers("Example News <news@example.com>", "Tue, 04 Mar 2025 20:00:00 +0000",
                "This week: IMAP vs POP3", 5)
                + "Content-Type: multipart/alternative; boundary=\"alt-5\"\n"
                + "\n"
                + "--alt-5\n"
                + "Content-Type: text/plain; charset=us-ascii\n"
                + "\n"
                + "IMAP keeps your mail on the server; POP3 downloads it.\n"
                + "--alt-5\n"
                + "Content-Type: text/html; charset=us-ascii\n"
                + "\n"
                + "<p><b>IMAP</b> keeps your mail on the server; <b>POP3</b> downloads it.</p>\n"
                + "--alt-5--\n");
    }

    private static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
