package dev.mailaccess.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The distribution as a user installs it: the tar.gz unpacked, {@code bin/mailaccess} run as a process with the JVM
 * running the build. The launcher must work on the first run (which makes the class-data-sharing archive), use the
 * archive from then on, fall back without a word where the cache cannot be written, and ship shell completion.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherIT {
    @TempDir
    Path tmp;
    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("mailaccess.distribution"));
        assertThat(tarball).exists();
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", tmp.toString())
                .redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (Stream<Path> s = Files.list(tmp)) {
            home = s.filter(p -> p.getFileName().toString().startsWith("mailaccess-")).findFirst().orElseThrow();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin/mailaccess").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAILACCESS_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theLauncherRunsTheToolAndKeepsAClassDataArchive() throws Exception {
        Path cache = tmp.resolve("cache");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        Run first = run(env, "capabilities");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.out()).contains("SERVER_FLAGS").contains("POP3").contains("IMAP");
        assertThat(first.err()).as("no JVM chatter about the archive").isEmpty();
        try (Stream<Path> s = Files.list(cache.resolve("mailaccess"))) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.endsWith(".jsa") || n.endsWith(".aot"));
        }
        Run second = run(env, "capabilities");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).isEmpty();
    }

    @Test
    void withoutAWritableCacheItRunsAsWell() throws Exception {
        Path notADirectory = Files.writeString(tmp.resolve("cache-is-a-file"), "x");
        Run r = run(Map.of("XDG_CACHE_HOME", notADirectory.toString()), "capabilities");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Run off = run(Map.of("MAILACCESS_CDS", "off"), "--version");
        assertThat(off.exit()).isZero();
        assertThat(off.out()).contains("mailaccess");
    }

    @Test
    void exitCodesAndUsageErrorsPassThrough() throws Exception {
        Run usage = run(Map.of("MAILACCESS_CDS", "off"), "list");
        assertThat(usage.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("URL");
    }

    @Test
    void shellCompletionShipsWithIt() throws Exception {
        Path completion = home.resolve("completion/mailaccess");
        assertThat(Files.readString(completion)).contains("complete -F").contains("replica").contains("sync");
        Run generated = run(Map.of("MAILACCESS_CDS", "off"), "generate-completion");
        assertThat(generated.exit()).isZero();
        assertThat(generated.out()).isEqualTo(Files.readString(completion));
    }
}
