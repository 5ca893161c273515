package dev.mailaccess.testkit;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A seeded corpus of varied messages for search tests: single and multipart (mixed, alternative, nested), text and
 * binary attachments, 7bit, 8bit, quoted-printable and base64, charsets UTF-8, ISO-8859-1, windows-1252 and KOI8-R,
 * RFC 2047 words (Q and B) in names and subjects, raw UTF-8 headers, missing and malformed headers, dates from 2015
 * to 2025 in many zones, sizes from a few hundred bytes to ~30 KB, flags and keywords. Every line ends in CRLF.
 */
public final class SearchCorpus {
    /** ASCII words used in subjects, bodies and headers. */
    public static final List<String> ASCII_WORDS = List.of("apple", "zephyr", "quarterly", "invoice", "meeting",
            "banana", "report", "kiwi", "lunch", "project", "deadline", "budget", "holiday", "server", "release",
            "Tuesday", "orange", "marble", "quantum", "falcon");
    /** Latin-1 words (encodable in ISO-8859-1 and windows-1252). */
    public static final List<String> LATIN_WORDS = List.of("Grüße", "café", "naïve", "smørrebrød", "Ærø", "façade",
            "jalapeño", "Zürich");
    /** Words only windows-1252 (or UTF-8) can encode. */
    public static final List<String> CP1252_WORDS = List.of("€uro", "œuvre", "“quoted”");
    /** Cyrillic words (KOI8-R or UTF-8). */
    public static final List<String> CYRILLIC_WORDS = List.of("Москва", "привет", "отчёт", "Пётр");
    /** Words only UTF-8 can encode. */
    public static final List<String> UTF8_WORDS = List.of("日本語", "東京", "🙂smile", "Ελλάδα");
    /** Display names. */
    public static final List<String> NAMES = List.of("Alice Smith", "Bob Jones", "Jürgen Müller", "Zoë Ådahl",
            "Иван Петров", "Carol", "Dave O'Brien", "山田太郎", "Eve Black");
    /** Keywords given to some messages. */
    public static final List<String> KEYWORDS = List.of("Work", "Later");

    /** One generated message. */
    public record Item(byte[] raw, Flags flags) {
    }

    private final Random r;
    private final LocalDate today;

    private SearchCorpus(long seed) {
        this.r = new Random(seed);
        this.today = LocalDate.now();
    }

    /** {@code count} messages from the seed. */
    public static List<Item> generate(long seed, int count) {
        SearchCorpus c = new SearchCorpus(seed);
        List<Item> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new Item(c.message(i), c.flags()));
        }
        return out;
    }

    /** Every word a query may look for. */
    public static List<String> allWords() {
        List<String> all = new ArrayList<>(ASCII_WORDS);
        all.addAll(LATIN_WORDS);
        all.addAll(CP1252_WORDS);
        all.addAll(CYRILLIC_WORDS);
        all.addAll(UTF8_WORDS);
        return all;
    }

    private Flags flags() {
        Set<Flag> f = new LinkedHashSet<>();
        for (Flag flag : List.of(Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED, Flag.DRAFT)) {
            if (r.nextInt(3) == 0) {
                f.add(flag);
            }
        }
        Set<String> k = new LinkedHashSet<>();
        for (String kw : KEYWORDS) {
            if (r.nextInt(4) == 0) {
                k.add(kw);
            }
        }
        return Flags.of(f, k);
    }

    private <T> T pick(List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    /** A charset able to encode the text, chosen at random among those that can. */
    private String charsetFor(String text) {
        List<String> options = new ArrayList<>();
        options.add("UTF-8");
        for (String cs : List.of("ISO-8859-1", "windows-1252", "KOI8-R")) {
            if (Charset.forName(cs).newEncoder().canEncode(text)) {
                options.add(cs);
            }
        }
        if (text.chars().allMatch(c -> c < 128)) {
            options.add("US-ASCII");
        }
        return pick(options);
    }

    private String word() {
        int k = r.nextInt(10);
        if (k < 5) {
            return pick(ASCII_WORDS);
        }
        if (k < 7) {
            return pick(LATIN_WORDS);
        }
        if (k == 7) {
            return pick(CP1252_WORDS);
        }
        if (k == 8) {
            return pick(CYRILLIC_WORDS);
        }
        return pick(UTF8_WORDS);
    }

    private String phrase(int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(word());
        }
        return sb.toString();
    }

    /** An RFC 2047 encoded form of a header text (or raw UTF-8, sometimes, as broken clients send). */
    private String headerText(String text) {
        if (text.chars().allMatch(c -> c < 128)) {
            return text;
        }
        int k = r.nextInt(10);
        if (k == 0) {
            return text; // raw UTF-8 in a header (RFC 6532 style)
        }
        String cs = charsetFor(text);
        if (cs.equals("US-ASCII")) {
            cs = "UTF-8";
        }
        byte[] bytes = text.getBytes(Charset.forName(cs));
        if (k < 5) {
            return "=?" + cs + "?B?" + Base64.getEncoder().encodeToString(bytes) + "?=";
        }
        StringBuilder sb = new StringBuilder("=?" + cs + "?Q?");
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == ' ') {
                sb.append('_');
            } else if (c > 32 && c < 127 && c != '=' && c != '?' && c != '_' && c != '"') {
                sb.append((char) c);
            } else {
                sb.append('=').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return sb.append("?=").toString();
    }

    private String address(int i) {
        String addr = String.format(Locale.ROOT, "user%02d@host%d.test", r.nextInt(40), r.nextInt(6));
        int k = r.nextInt(4);
        if (k == 0) {
            return addr;
        }
        String name = pick(NAMES);
        if (name.chars().allMatch(c -> c < 128)) {
            return (name.contains("'") ? "\"" + name + "\"" : name) + " <" + addr + ">";
        }
        return headerText(name) + " <" + addr + ">";
    }

    private String addresses(int i, int max) {
        int n = 1 + r.nextInt(max);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(address(i));
        }
        return String.join(", ", out);
    }

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private String date() {
        LocalDate d = LocalDate.of(2015, 1, 1).plusDays(r.nextInt(365 * 11));
        if (r.nextInt(10) == 0) {
            d = today.minusDays(r.nextInt(3)); // a few recent ones
        }
        int offsetMinutes = (r.nextInt(27) - 12) * 60 + (r.nextInt(4) == 0 ? 30 : 0);
        String zone = String.format(Locale.ROOT, "%s%02d%02d", offsetMinutes < 0 ? "-" : "+",
                Math.abs(offsetMinutes) / 60, Math.abs(offsetMinutes) % 60);
        int hour = r.nextInt(4) == 0 ? (r.nextBoolean() ? 0 : 23) : r.nextInt(24); // near midnight often
        return String.format(Locale.ROOT, "%s, %d %s %d %02d:%02d:%02d %s", DAYS[d.getDayOfWeek().getValue() - 1],
                d.getDayOfMonth(), MONTHS[d.getMonthValue() - 1], d.getYear(), hour, r.nextInt(60), r.nextInt(60),
                zone);
    }

    private byte[] message(int i) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder h = new StringBuilder();
        int k = r.nextInt(20);
        if (k != 0) {
            h.append("From: ").append(address(i)).append("\r\n");
        }
        h.append("To: ").append(addresses(i, 3)).append("\r\n");
        if (r.nextInt(3) == 0) {
            h.append("Cc: ").append(addresses(i, 2)).append("\r\n");
        }
        if (r.nextInt(8) == 0) {
            h.append("Bcc: ").append(address(i)).append("\r\n");
        }
        if (r.nextInt(15) != 0) {
            String subject = "#" + i + " " + phrase(1, 4);
            String encoded = headerText(subject);
            if (encoded.length() > 60 && r.nextBoolean()) {
                int cut = encoded.indexOf(' ', 30);
                if (cut > 0 && !encoded.startsWith("=?")) {
                    encoded = encoded.substring(0, cut) + "\r\n " + encoded.substring(cut + 1); // folded
                }
            }
            h.append("Subject: ").append(encoded).append("\r\n");
        }
        int dk = r.nextInt(25);
        if (dk == 0) {
            h.append("Date: sometime last week\r\n"); // malformed
        } else if (dk != 1) {
            h.append("Date: ").append(date()).append("\r\n");
        }
        if (r.nextInt(10) != 0) {
            h.append("Message-ID: <").append(Long.toHexString(r.nextLong() & 0xffffffffffL)).append('.').append(i)
                    .append("@host").append(r.nextInt(6)).append(".test>\r\n");
        }
        if (r.nextInt(4) == 0) {
            h.append("X-Tag: ").append(pick(ASCII_WORDS)).append(' ').append(pick(ASCII_WORDS)).append("\r\n");
        }
        h.append("MIME-Version: 1.0\r\n");
        write(out, h.toString(), StandardCharsets.UTF_8);
        int shape = r.nextInt(10);
        if (shape < 4) {
            writeTextPart(out, true);
        } else {
            String boundary = "=_b" + i + "_" + r.nextInt(1000);
            String sub = shape < 6 ? "alternative" : "mixed";
            write(out, "Content-Type: multipart/" + sub + "; boundary=\"" + boundary + "\"\r\n\r\n"
                    + "This is a multi-part message in MIME format.\r\n", StandardCharsets.US_ASCII);
            int parts = 1 + r.nextInt(3);
            for (int p = 0; p < parts; p++) {
                write(out, "--" + boundary + "\r\n", StandardCharsets.US_ASCII);
                if (sub.equals("mixed") && p > 0) {
                    writeAttachment(out);
                } else if (sub.equals("mixed") && r.nextInt(4) == 0) {
                    String inner = boundary + "_in";
                    write(out, "Content-Type: multipart/alternative; boundary=\"" + inner + "\"\r\n\r\n",
                            StandardCharsets.US_ASCII);
                    for (int q = 0; q < 2; q++) {
                        write(out, "--" + inner + "\r\n", StandardCharsets.US_ASCII);
                        writeTextPart(out, false);
                    }
                    write(out, "--" + inner + "--\r\n", StandardCharsets.US_ASCII);
                } else {
                    writeTextPart(out, false);
                }
            }
            write(out, "--" + boundary + "--\r\n", StandardCharsets.US_ASCII);
        }
        return out.toByteArray();
    }

    private void writeTextPart(ByteArrayOutputStream out, boolean topLevel) {
        StringBuilder text = new StringBuilder();
        int lines = 1 + r.nextInt(r.nextInt(6) == 0 ? 300 : 12);
        for (int l = 0; l < lines; l++) {
            text.append(phrase(2, 9)).append("\r\n");
        }
        writeText(out, text.toString(), null);
    }

    /** A text part: headers, blank line, encoded body. */
    private void writeText(ByteArrayOutputStream out, String text, String fileName) {
        String cs = charsetFor(text);
        boolean ascii = text.chars().allMatch(c -> c < 128);
        String cte;
        int e = r.nextInt(3);
        if (ascii && r.nextBoolean()) {
            cte = "7bit";
        } else {
            cte = e == 0 && !ascii ? "8bit" : e == 1 ? "quoted-printable" : "base64";
        }
        StringBuilder h = new StringBuilder("Content-Type: text/plain; charset=" + (r.nextInt(5) == 0
                ? "\"" + cs.toLowerCase(Locale.ROOT) + "\"" : cs));
        if (fileName != null) {
            h.append("; name=\"").append(fileName).append('"');
        }
        h.append("\r\nContent-Transfer-Encoding: ").append(cte).append("\r\n");
        if (fileName != null) {
            h.append("Content-Disposition: attachment; filename=\"").append(fileName).append("\"\r\n");
        }
        h.append("\r\n");
        write(out, h.toString(), StandardCharsets.US_ASCII);
        byte[] bytes = text.getBytes(Charset.forName(cs));
        switch (cte) {
            case "7bit", "8bit" -> out.writeBytes(bytes);
            case "quoted-printable" -> write(out, quotedPrintable(bytes), StandardCharsets.US_ASCII);
            default -> write(out, base64(bytes), StandardCharsets.US_ASCII);
        }
    }

    private void writeAttachment(ByteArrayOutputStream out) {
        if (r.nextBoolean()) {
            StringBuilder text = new StringBuilder();
            for (int l = 0; l < 1 + r.nextInt(5); l++) {
                text.append(phrase(2, 6)).append("\r\n");
            }
            writeText(out, text.toString(), "notes-" + pick(ASCII_WORDS) + ".txt");
            return;
        }
        byte[] data = new byte[200 + r.nextInt(r.nextInt(5) == 0 ? 20_000 : 2_000)];
        r.nextBytes(data);
        String name = "file-" + pick(ASCII_WORDS) + ".bin";
        write(out, "Content-Type: application/octet-stream; name=\"" + name + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + (r.nextInt(4) == 0 ? "" : "Content-Disposition: attachment; filename=\"" + name + "\"\r\n")
                + "\r\n" + base64(data), StandardCharsets.US_ASCII);
    }

    private static String base64(byte[] data) {
        String b = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
        return b + "\r\n";
    }

    /** Quoted-printable with soft line breaks; CRLF in the text stays a hard line break. */
    private static String quotedPrintable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        int col = 0;
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            if (c == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                sb.append("\r\n");
                i++;
                col = 0;
                continue;
            }
            String enc = (c >= 33 && c <= 126 && c != '=') || c == ' ' ? String.valueOf((char) c)
                    : String.format(Locale.ROOT, "=%02X", c);
            if (c == ' ' && i + 1 < bytes.length && bytes[i + 1] == '\r') {
                enc = "=20";
            }
            if (col + enc.length() > 72) {
                sb.append("=\r\n");
                col = 0;
            }
            sb.append(enc);
            col += enc.length();
        }
        if (col > 0) {
            sb.append("\r\n");
        }
        return sb.toString();
    }

    private static void write(ByteArrayOutputStream out, String s, Charset cs) {
        out.writeBytes(s.getBytes(cs));
    }
}
