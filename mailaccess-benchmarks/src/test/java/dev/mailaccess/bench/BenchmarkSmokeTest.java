package dev.mailaccess.bench;

import dev.mailaccess.testkit.DovecotFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every scenario once on tiny sizes so the harness cannot rot. Times are not checked (CI machines are noisy);
 * that each tool ran, did the same work (the harness checks the item counts) and got a row is.
 */
class BenchmarkSmokeTest {
    @TempDir
    Path dir;

    @Test
    void everyScenarioRunsOnceOnATinyMailbox() throws Exception {
        DovecotFixture.assumeAvailable();
        Path json = dir.resolve("benchmarks.json");
        // external tools are slow to start and optional; the smoke test covers the harness, not them
        Settings settings = Settings.smoke(json).withExternalTools(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Report report = BenchmarkMain.run(settings, new LinkedHashSet<>(BenchmarkMain.ALL),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String table = out.toString(StandardCharsets.UTF_8);

        assertThat(report.rows()).noneMatch(r -> r.met().equals("FAILED"));
        Set<String> scenarios = new LinkedHashSet<>();
        report.rows().forEach(r -> scenarios.add(r.scenario().substring(0, 1)));
        assertThat(scenarios).containsExactly("1", "2", "3", "4", "5", "6", "7");
        assertThat(report.rows()).filteredOn(r -> r.scenario().startsWith("4") || r.scenario().startsWith("5"))
                .allMatch(r -> r.note().contains("not yet: needs Replica"));
        for (String tool : List.of("floor: raw socket, 1 UID FETCH", "mailaccess summaries(LIST)",
                "Angus tuned (FetchProfile)", "Angus naive (getters, no fetch)")) {
            assertThat(report.rows()).filteredOn(r -> r.tool().equals(tool) && r.scenario().startsWith("1"))
                    .isNotEmpty().allMatch(r -> r.stats() != null);
        }
        assertThat(report.rows()).filteredOn(r -> r.scenario().startsWith("7") && r.stats() != null).hasSize(4);
        assertThat(table).contains("| scenario | size | tool | median s |").contains("cores");
        assertThat(Files.readString(json)).contains("\"rows\"").contains("\"medianSeconds\"");
    }
}
