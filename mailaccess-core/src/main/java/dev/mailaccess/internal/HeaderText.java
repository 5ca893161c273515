package dev.mailaccess.internal;

import dev.mailaccess.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Header values as a person reads them: unfolded, RFC 2047 encoded words decoded, addresses shown as
 * {@link Address#toString()} shows them. Shared by local search and the replica, so that both read a stored header
 * as the online listing does.
 */
public final class HeaderText {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?[^?\\s]+\\?[bBqQ]\\?[^?\\s]*\\?=");

    private HeaderText() {
    }

    /**
     * Unfolds and decodes RFC 2047 encoded words leniently: B and Q encodings in any charset Java knows, also
     * inside words, with the white space between two adjacent encoded words dropped (RFC 2047 section 6.2).
     * Undecodable words (an unknown charset, a malformed word) stay as they are.
     */
    public static String decode(String value) {
        String unfolded = MimeUtility.unfold(value).strip();
        if (!unfolded.contains("=?")) {
            return unfolded;
        }
        Matcher m = ENCODED_WORD.matcher(unfolded);
        StringBuilder out = new StringBuilder();
        int last = 0;
        boolean previousEncoded = false;
        while (m.find()) {
            String between = unfolded.substring(last, m.start());
            String word = m.group();
            String decoded = decodeWord(word);
            // only the space between two decoded words goes; next to an undecodable one it is text
            if (!(previousEncoded && decoded != null && between.isBlank())) {
                out.append(between);
            }
            out.append(decoded == null ? word : decoded);
            previousEncoded = decoded != null;
            last = m.end();
        }
        out.append(unfolded.substring(last));
        return out.toString();
    }

    /** The decoded word, or null if it cannot be decoded (unknown charset, malformed encoding). */
    private static String decodeWord(String word) {
        try {
            return MimeUtility.decodeWord(word);
        } catch (IOException | MessagingException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The addresses of an address header (From, To, ...), each as {@code Decoded Name <local@domain>}, or
     * {@code local@domain} without a name; a value that does not parse as addresses is one entry, its decoded text.
     */
    public static List<String> addresses(String value) {
        List<String> out = new ArrayList<>();
        try {
            InternetAddress[] parsed = InternetAddress.parseHeader(MimeUtility.unfold(value), false);
            if (parsed.length == 0) {
                out.add(decode(value));
            }
            for (InternetAddress a : parsed) {
                String personal = a.getPersonal() == null ? "" : decode(a.getPersonal());
                out.add(new Address(personal, a.getAddress()).toString());
            }
        } catch (MessagingException | RuntimeException e) {
            out.add(decode(value));
        }
        return out;
    }
}
