package dev.mailaccess.bench;

import dev.mailaccess.MailboxConfig;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/** What every scenario shares: the server, the settings, the report and a scratch directory. */
final class Bench {
    final DovecotFixture dovecot;
    final Settings settings;
    final Report report;
    final Path work;

    Bench(DovecotFixture dovecot, Settings settings, Report report, Path work) {
        this.dovecot = dovecot;
        this.settings = settings;
        this.report = report;
        this.work = work;
    }

    /** A proxy in front of a Dovecot port, with the given added round-trip time. */
    LoopbackProxy proxy(String protocol, java.time.Duration latency) {
        LoopbackProxy p = new LoopbackProxy(dovecot.host(), dovecot.port(protocol));
        p.roundTripDelay(latency);
        return p;
    }

    /** A cleartext configuration for the user, through the proxy. */
    MailboxConfig config(String protocol, String user, LoopbackProxy proxy) {
        return dovecot.config(protocol, user).port(proxy.port()).build();
    }

    /** A fresh empty directory under the scratch directory. */
    Path freshDir(String name) {
        Path d = work.resolve(name);
        deleteTree(d);
        try {
            return Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path d) {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    static String mib(long bytes) {
        return fmt("%.1f MiB", bytes / 1048576.0);
    }

    /** "met" cell: yes / NO. */
    static String met(boolean ok) {
        return ok ? "yes" : "NO";
    }

    /** The command lines a client sent, passwords hidden, long runs of the same verb summarised. */
    static String commandsSummary(java.util.List<String> commands) {
        StringBuilder sb = new StringBuilder();
        String lastVerb = null;
        int same = 0;
        boolean afterAuthenticate = false;
        for (String c : commands) {
            String[] w = c.split(" ");
            String verb = w.length > 2 && w[1].equalsIgnoreCase("UID") ? w[1] + " " + w[2] : w.length > 1 ? w[1] : c;
            if (afterAuthenticate && w.length == 1) {
                // the SASL response line after AUTHENTICATE (base64 of user and password): never shown
                afterAuthenticate = false;
                continue;
            }
            afterAuthenticate = verb.equalsIgnoreCase("AUTHENTICATE") && w.length <= 3;
            if (c.regionMatches(true, 0, "PASS", 0, 4) || verb.equalsIgnoreCase("LOGIN")
                    || verb.equalsIgnoreCase("AUTHENTICATE")) {
                c = c.substring(0, Math.min(c.length(), c.toUpperCase(Locale.ROOT).indexOf(verb.toUpperCase(Locale.ROOT)) + verb.length())) + " ***";
            }
            if (verb.equals(lastVerb) && same > 0) {
                same++;
                continue;
            }
            if (same > 1) {
                sb.append(" (×").append(same).append(')');
            }
            sb.append(sb.length() == 0 ? "" : " | ").append(c.length() > 80 ? c.substring(0, 80) + "…" : c);
            lastVerb = verb;
            same = 1;
        }
        if (same > 1) {
            sb.append(" (×").append(same).append(')');
        }
        return sb.toString();
    }

    void log(String line) {
        System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + line);
    }
}
