package dev.mailaccess.cli;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Flags as the tool prints them: {@code seen}, {@code flagged}, ..., then keywords as they are. */
public final class FlagNames {
    private FlagNames() {
    }

    /** The names; empty for null (flags not fetched, e.g. on POP3). */
    public static List<String> of(Flags flags) {
        List<String> names = new ArrayList<>();
        if (flags == null) {
            return names;
        }
        for (Flag f : Flag.values()) {
            if (flags.contains(f)) {
                names.add(f.name().toLowerCase(Locale.ROOT));
            }
        }
        names.addAll(flags.keywords());
        return names;
    }
}
