package dev.mailaccess.replica;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.store.Maildir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A replica's flags on disk and in a sync: system flags as Maildir letters, flags and keywords as one field of a
 * state file or journal line, and the per-flag merge of conflict rule 1 (local wins a flag changed on both sides).
 */
final class ReplicaFlags {
    private ReplicaFlags() {
    }

    /** System flags by Maildir letter, in the order the letters go into a file name (ASCII order). */
    private static final Flag[] BY_LETTER = java.util.Arrays.stream(Flag.values())
            .sorted(java.util.Comparator.comparing(Flag::maildirLetter)).toArray(Flag[]::new);

    static String letters(Flags flags) {
        Set<Flag> system = flags.system();
        if (system.isEmpty()) {
            return "";
        }
        char[] out = new char[BY_LETTER.length];
        int n = 0;
        for (Flag f : BY_LETTER) {
            if (system.contains(f)) {
                out[n++] = f.maildirLetter();
            }
        }
        return new String(out, 0, n);
    }

    static String flagsToken(Flags flags) {
        if (flags == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(letters(flags));
        for (String k : flags.keywords()) {
            sb.append(' ').append(k);
        }
        return ReplicaStore.enc(sb.toString());
    }

    static Flags parseFlags(String token) {
        String s = ReplicaStore.dec(token);
        if (s == null) {
            return null;
        }
        String[] parts = s.split(" ", -1);
        EnumSet<Flag> sys = EnumSet.noneOf(Flag.class);
        for (char c : parts[0].toCharArray()) {
            for (Flag f : Flag.values()) {
                if (f.maildirLetter() == c) {
                    sys.add(f);
                }
            }
        }
        List<String> kw = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                kw.add(parts[i]);
            }
        }
        return Flags.of(sys, kw);
    }

    /** The same keywords, system flags taken from a Maildir file name. */
    static Flags withSystemOf(Flags flags, Path file) {
        return Flags.of(Maildir.flagsOf(file).system(), flags.keywords());
    }

    /** Local wins per flag: a flag changed locally since {@code base} keeps its local value, others the server's. */
    static Flags merge(Flags base, Flags local, Flags server) {
        if (base == null) {
            return local.plus(server);
        }
        EnumSet<Flag> sys = EnumSet.noneOf(Flag.class);
        for (Flag f : Flag.values()) {
            boolean localChanged = base.contains(f) != local.contains(f);
            if (localChanged ? local.contains(f) : server.contains(f)) {
                sys.add(f);
            }
        }
        TreeSet<String> all = new TreeSet<>(base.keywords());
        all.addAll(local.keywords());
        all.addAll(server.keywords());
        List<String> kw = new ArrayList<>();
        for (String k : all) {
            boolean localChanged = base.containsKeyword(k) != local.containsKeyword(k);
            if (localChanged ? local.containsKeyword(k) : server.containsKeyword(k)) {
                kw.add(k);
            }
        }
        return Flags.of(sys, kw);
    }
}
