package dev.mailaccess.testkit;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Builds test messages as RFC 5322 bytes with CRLF line ends and a unique Message-ID. */
public final class TestMessages {
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final AtomicLong COUNTER = new AtomicLong();
    /** A fixed sent date, so date assertions are stable. */
    public static final Instant SENT = Instant.parse("2024-03-15T10:15:30Z");

    private TestMessages() {
    }

    /** A plain text message. */
    public static byte[] plain(String from, String to, String subject, String body) {
        try {
            MimeMessage m = base(from, to, subject);
            m.setText(body, "UTF-8");
            return bytes(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plain message numbered {@code n}, for bulk seeding. */
    public static byte[] numbered(int n) {
        return plain("Sender " + n + " <sender" + n + "@example.test>", "rcpt@example.test", "Message " + n,
                "Body of message " + n + "\r\n");
    }

    /** A message whose From name and subject need RFC 2047 encoding, and whose body is UTF-8. */
    public static byte[] nonAscii() {
        return plain("Jürgen Müller <juergen@example.test>", "rcpt@example.test", "Grüße aus Köln ✓",
                "Schöne Grüße, naïve café — ☃\r\n");
    }

    /** text/plain plus a base64 attachment named {@code fileName}. */
    public static byte[] withAttachment(String subject, String fileName, byte[] attachment) {
        try {
            MimeMessage m = base("Alice <alice@example.test>", "bob@example.test", subject);
            MimeMultipart mp = new MimeMultipart("mixed");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("See the attachment.\r\n", "UTF-8");
            mp.addBodyPart(text);
            MimeBodyPart att = new MimeBodyPart();
            att.setDataHandler(new jakarta.activation.DataHandler(
                    new ByteArrayDataSource(attachment, "application/octet-stream")));
            att.setFileName(fileName);
            att.setDisposition(MimeBodyPart.ATTACHMENT);
            att.setHeader("Content-Transfer-Encoding", "base64");
            mp.addBodyPart(att);
            m.setContent(mp);
            return bytes(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** multipart/alternative with text and HTML. */
    public static byte[] alternative(String subject) {
        try {
            MimeMessage m = base("Carol <carol@example.test>", "bob@example.test", subject);
            MimeMultipart mp = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText("plain version\r\n", "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setContent("<p>html version</p>", "text/html; charset=UTF-8");
            mp.addBodyPart(text);
            mp.addBodyPart(html);
            m.setContent(mp);
            return bytes(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A message of about {@code size} bytes whose body is random printable ASCII lines. */
    public static byte[] large(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder body = new StringBuilder(size + 100);
        while (body.length() < size) {
            for (int i = 0; i < 76; i++) {
                body.append((char) ('!' + r.nextInt(94)));
            }
            body.append("\r\n");
        }
        try {
            MimeMessage m = base("Big <big@example.test>", "bob@example.test", "Large message " + size);
            m.setText(body.toString(), "US-ASCII");
            m.setHeader("Content-Transfer-Encoding", "7bit");
            return bytes(m);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random bytes, e.g. for an attachment. */
    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static MimeMessage base(String from, String to, String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(SESSION) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", "<test-" + COUNTER.incrementAndGet() + "-" + System.nanoTime()
                        + "@mailaccess.test>");
            }
        };
        m.setFrom(new InternetAddress(parseAddress(from)));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(parseAddress(to)));
        m.setSubject(subject, "UTF-8");
        m.setSentDate(Date.from(SENT));
        return m;
    }

    private static String parseAddress(String a) {
        try {
            InternetAddress ia = new InternetAddress(a);
            if (ia.getPersonal() != null) {
                return new InternetAddress(ia.getAddress(), ia.getPersonal(), "UTF-8").toString();
            }
            return ia.toString();
        } catch (jakarta.mail.internet.AddressException | java.io.UnsupportedEncodingException e) {
            throw new IllegalArgumentException(a, e);
        }
    }

    private static byte[] bytes(MimeMessage m) throws MessagingException {
        try {
            m.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Message-ID header of raw message bytes, or empty. */
    public static String messageId(byte[] rfc822) {
        String text = new String(rfc822, 0, Math.min(rfc822.length, 8192), StandardCharsets.ISO_8859_1);
        for (String line : text.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                return line.substring(11).strip();
            }
        }
        return "";
    }
}
