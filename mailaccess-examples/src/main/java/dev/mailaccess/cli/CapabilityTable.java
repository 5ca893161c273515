package dev.mailaccess.cli;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.MailAccess;

import java.util.List;
import java.util.Locale;

/**
 * One row per {@link Capability}, one support column per protocol, and the reasons; as plain text for the terminal or
 * as Markdown for the README ({@code mailaccess capabilities --markdown}).
 */
public final class CapabilityTable {
    private final List<CapabilitySet> sets;

    /** A table of the given sets, in column order. */
    public CapabilityTable(List<CapabilitySet> sets) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("no capability set");
        }
        this.sets = List.copyOf(sets);
    }

    /** The static table, POP3 next to IMAP, as the adapters on the class path declare it. */
    public static CapabilityTable pop3VersusImap() {
        return new CapabilityTable(List.of(MailAccess.capabilitiesOf("pop3"), MailAccess.capabilitiesOf("imap")));
    }

    /** Aligned plain text; the reason column has one line per protocol when there are several. */
    public String toText() {
        String[] headers = new String[sets.size() + 2];
        headers[0] = "CAPABILITY";
        for (int i = 0; i < sets.size(); i++) {
            headers[i + 1] = label(sets.get(i));
        }
        headers[headers.length - 1] = sets.size() == 1 ? "REASON" : "REASONS";
        TextTable t = new TextTable(headers);
        for (Capability c : Capability.values()) {
            String[] row = new String[headers.length];
            row[0] = c.name();
            StringBuilder reasons = new StringBuilder();
            for (int i = 0; i < sets.size(); i++) {
                CapabilityInfo info = sets.get(i).info(c);
                row[i + 1] = info.support().name();
                if (sets.size() > 1) {
                    reasons.append(reasons.length() == 0 ? "" : "\n").append(label(sets.get(i))).append(": ");
                }
                reasons.append(info.reason());
            }
            row[row.length - 1] = reasons.toString();
            t.row(row);
        }
        return t.toString();
    }

    /** A GitHub-flavoured Markdown table: capability, meaning, one support column and one reason column per set. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| Capability | Meaning |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (CapabilitySet s : sets) {
            sb.append(' ').append(label(s)).append(" |");
            rule.append("---|");
        }
        for (CapabilitySet s : sets) {
            sb.append(' ').append(sets.size() == 1 ? "Reason" : "Why (" + label(s) + ")").append(" |");
            rule.append("---|");
        }
        sb.append('\n').append(rule).append('\n');
        for (Capability c : Capability.values()) {
            sb.append("| `").append(c.name()).append("` | ").append(escape(c.description())).append(" |");
            for (CapabilitySet s : sets) {
                sb.append(' ').append(s.support(c).name()).append(" |");
            }
            for (CapabilitySet s : sets) {
                sb.append(' ').append(escape(s.info(c).reason())).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }

    private static String label(CapabilitySet s) {
        return s.protocol().toUpperCase(Locale.ROOT);
    }

    /** Keeps Markdown from eating IMAP syntax: {@code \Seen}, {@code \*}, {@code <offset.length>}, pipes. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")
                .replace("<", "&lt;").replace(">", "&gt;").replaceAll("\\s*\\R\\s*", " ");
    }
}
