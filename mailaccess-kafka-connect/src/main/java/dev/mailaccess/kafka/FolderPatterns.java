package dev.mailaccess.kafka;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which IMAP folders an account is read from: include patterns, then exclude patterns. {@code *} matches any text,
 * {@code %} any text without the hierarchy separator (as in IMAP LIST); INBOX is matched without regard to case
 * (RFC 3501 makes its name case-insensitive).
 */
final class FolderPatterns {
    private final List<String> include;
    private final List<String> exclude;

    FolderPatterns(List<String> include, List<String> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    boolean matches(String folder, String delimiter) {
        return matchesAny(include, folder, delimiter) && !matchesAny(exclude, folder, delimiter);
    }

    private static boolean matchesAny(List<String> patterns, String folder, String delimiter) {
        String f = inboxFolded(folder, delimiter);
        for (String p : patterns) {
            if (!p.isBlank() && toRegex(inboxFolded(p.strip(), delimiter), delimiter).matcher(f).matches()) {
                return true;
            }
        }
        return false;
    }

    /** INBOX (and INBOX's children) with the name upper-cased, everything else as it is. */
    private static String inboxFolded(String name, String delimiter) {
        if (name.equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        if (delimiter != null && !delimiter.isEmpty() && name.length() > 5
                && name.substring(0, 5).equalsIgnoreCase("INBOX") && name.startsWith(delimiter, 5)) {
            return "INBOX" + name.substring(5);
        }
        return name;
    }

    private static Pattern toRegex(String glob, String delimiter) {
        StringBuilder sb = new StringBuilder();
        String notDelim = delimiter == null || delimiter.isEmpty() ? "." : "[^" + Pattern.quote(delimiter) + "]";
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> sb.append(".*");
                case '%' -> sb.append(notDelim).append('*');
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(sb.toString(), Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return "include " + include + " exclude " + exclude;
    }

}
