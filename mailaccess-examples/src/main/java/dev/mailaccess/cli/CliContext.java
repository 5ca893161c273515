package dev.mailaccess.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a command may touch outside itself: its output streams and the environment. Injected by {@link Main}, so tests
 * run the tool in-process without touching the real environment or {@code System.out}.
 */
public final class CliContext {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    public CliContext(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
    }

    /** Standard output; binary-safe (the raw message of {@code show} goes here). */
    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** An environment variable, or null. */
    public String env(String name) {
        return env.get(name);
    }

    /** Remembers a secret so that no error text ever shows it, whatever the library put in its message. */
    void addSecret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
        }
    }

    /** The text with every known secret masked. */
    String redact(String text) {
        String t = text;
        for (String s : secrets) {
            t = t.replace(s, "****");
        }
        return t;
    }
}
