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
        assertThat(scenarios).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9");
        // 4 and 5: the mailaccess side always runs (both fsync settings; 5 at two sizes); mbsync is skipped here
        assertThat(report.rows()).filteredOn(r -> r.scenario().startsWith("4") && r.tool().startsWith("mailaccess"))
                .hasSize(2).allMatch(r -> r.stats() != null);
        assertThat(report.rows()).filteredOn(r -> r.scenario().startsWith("5") && r.tool().startsWith("mailaccess"))
                .hasSize(2).allMatch(r -> r.stats() != null);
        assertThat(report.rows()).filteredOn(r -> r.tool().equals("mbsync")).hasSize(4)
                .allMatch(r -> r.stats() == null && r.note().startsWith("skipped"));
        for (String tool : List.of("floor: raw socket, 1 UID FETCH", "mailaccess summaries(LIST)",
                "Angus tuned (FetchProfile)", "Angus naive (getters, no fetch)")) {
            assertThat(report.rows()).filteredOn(r -> r.tool().equals(tool) && r.scenario().startsWith("1"))
                    .isNotEmpty().allMatch(r -> r.stats() != null);
        }
        assertThat(report.rows()).filteredOn(r -> r.scenario().equals(CompressionScenario.SCENARIO))
                .hasSize(2).allMatch(r -> r.stats() != null)
                .anyMatch(r -> r.tool().contains("COMPRESS=DEFLATE") && r.note().contains("of the uncompressed"));
        assertThat(report.rows()).filteredOn(r -> r.scenario().startsWith("7") && r.stats() != null).hasSize(4);
        assertThat(table).contains("| scenario | size | tool | median s |").contains("cores");
        assertThat(Files.readString(json)).contains("\"rows\"").contains("\"medianSeconds\"");
    }

    @Test
    void syncScenariosRunAgainstMbsyncWhenInstalled() throws Exception {
        DovecotFixture.assumeAvailable();
        Path json = dir.resolve("sync.json");
        Settings settings = Settings.smoke(json).withSync(20, List.of(false), List.of(20));
        Report report = BenchmarkMain.run(settings, new LinkedHashSet<>(List.of("4", "5")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(report.rows()).noneMatch(r -> r.met().equals("FAILED"));
        assertThat(report.rows()).filteredOn(r -> r.tool().startsWith("mailaccess")).hasSize(2)
                .allMatch(r -> r.stats() != null);
        if (SyncScenario.mbsyncPath() == null) {
            // absent: a skip note, and the mailaccess rows still there
            assertThat(report.rows()).filteredOn(r -> r.tool().equals("mbsync")).hasSize(2)
                    .allMatch(r -> r.note().contains("not installed"));
        } else {
            assertThat(report.rows()).filteredOn(r -> r.tool().startsWith("mbsync ")).hasSize(2)
                    .allMatch(r -> r.stats() != null);
            assertThat(report.rows()).filteredOn(r -> r.tool().startsWith("mailaccess"))
                    .allMatch(r -> !Double.isNaN(r.ratio()));
        }
        // no password, nor the SASL line that carries it, in what the report shows
        for (Row r : report.rows()) {
            assertThat(r.note()).doesNotContain("pw-").doesNotContainPattern("\\| [A-Za-z0-9+/=]{16,} \\|");
        }
    }
}
