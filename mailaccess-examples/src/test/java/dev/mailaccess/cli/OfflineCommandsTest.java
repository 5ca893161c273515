package dev.mailaccess.cli;

import dev.mailaccess.Capability;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Commands that need no server: the static capability table, help and usage errors. */
class OfflineCommandsTest {

    @Test
    void capabilityTableListsEveryCapabilityForBothProtocols() {
        Cli.Result r = Cli.run("capabilities");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines().get(0)).contains("CAPABILITY", "POP3", "IMAP", "REASONS");
        for (Capability c : Capability.values()) {
            assertThat(r.outLines()).as(c.name()).anyMatch(l -> l.startsWith(c.name() + " "));
        }
        String folders = r.outLines().stream().filter(l -> l.startsWith("FOLDERS ")).findFirst().orElseThrow();
        List<String> cells = Arrays.asList(folders.split("\\s+"));
        assertThat(cells.get(1)).isEqualTo("UNSUPPORTED");
        assertThat(cells.get(2)).isEqualTo("NATIVE");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void markdownTableHasOneRowPerCapability() {
        Cli.Result r = Cli.run("capabilities", "--markdown");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(Capability.values().length + 2);
        assertThat(lines.get(0)).startsWith("| Capability | Meaning | POP3 | IMAP |");
        assertThat(lines.get(1)).matches("(\\|---)+\\|");
        assertThat(lines).anyMatch(l -> l.startsWith("| `FOLDERS` |") && l.contains("| UNSUPPORTED | NATIVE |"));
        int columns = lines.get(0).split("\\|", -1).length;
        assertThat(lines).allSatisfy(l -> assertThat(l.split("(?<!\\\\)\\|", -1)).hasSize(columns));
        assertThat(r.out()).isEqualTo(CapabilityTable.pop3VersusImap().toMarkdown());
    }

    @Test
    void markdownEscapesImapSyntax() {
        assertThat(CapabilityTable.escape("STORE +FLAGS (\\Deleted) where PERMANENTFLAGS allow \\*"))
                .isEqualTo("STORE +FLAGS (\\\\Deleted) where PERMANENTFLAGS allow \\\\\\*");
        assertThat(CapabilityTable.escape("BODY.PEEK[]<offset.length> a|b\nc"))
                .isEqualTo("BODY.PEEK[]&lt;offset.length&gt; a\\|b c");
    }

    @Test
    void helpExitsZero() {
        Cli.Result r = Cli.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("demo", "capabilities", "folders", "list", "show", "search", "Exit codes");
    }

    @Test
    void helpForOneCommandWorksHoweverItIsAsked() {
        // a run registers only the command it invokes; help needs the others too
        for (String[] args : List.of(new String[] {"help", "list"}, new String[] {"list", "--help"},
                new String[] {"--verbose", "list", "--help"}, new String[] {"help", "generate-completion"})) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: mailaccess " + args[args.length - 1]
                    .replace("--help", "list"));
        }
        Cli.Result completion = Cli.run("generate-completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("list", "sync", "replica", "--json");
    }

    @Test
    void missingCommandNamesEveryCommand() {
        Cli.Result r = Cli.run();
        assertThat(r.exit()).isEqualTo(2);
        for (Class<?> c : MailaccessCommand.SUBCOMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            if (!name.equals("help") && !name.equals("generate-completion")) {
                assertThat(r.err()).as(name).contains(name);
            }
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        for (String[] args : List.of(new String[] {}, new String[] {"list"}, new String[] {"frobnicate"},
                new String[] {"list", "imap://u@127.0.0.1", "--limit", "many"},
                new String[] {"list", "imap://u@127.0.0.1", "--tls", "sometimes"},
                new String[] {"show", "imap://u@127.0.0.1"})) {
            Cli.Result r = Cli.run(args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
            assertThat(r.errLines()).as(r.toString()).hasSize(1);
            assertThat(r.err()).startsWith("mailaccess: ");
        }
    }

    @Test
    void badUrlOrMissingPasswordIsUsage() {
        Cli.Result noPassword = Cli.run("list", "imap://u@127.0.0.1:1", "--tls=none");
        assertThat(noPassword.exit()).isEqualTo(2);
        assertThat(noPassword.err()).contains("MAILACCESS_PASSWORD", "--password-file");

        Cli.Result scheme = Cli.run(java.util.Map.of("MAILACCESS_PASSWORD", "x"), "list", "http://u@host");
        assertThat(scheme.exit()).isEqualTo(2);
        assertThat(scheme.err()).contains("unknown scheme");

        Cli.Result passwordInUrl = Cli.run(java.util.Map.of("MAILACCESS_PASSWORD", "x"), "list",
                "imap://u:hunter2@host");
        assertThat(passwordInUrl.exit()).isEqualTo(2);
        assertThat(passwordInUrl.err()).doesNotContain("hunter2");

        Cli.Result badQuery = Cli.run(java.util.Map.of("MAILACCESS_PASSWORD", "x"), "search", "imap://u@host",
                "colour:red");
        assertThat(badQuery.exit()).isEqualTo(2);
        assertThat(badQuery.errLines()).hasSize(1);
        assertThat(badQuery.err()).contains("unknown field 'colour'");
    }

    @Test
    void missingPasswordFileIsUsage() {
        Cli.Result r = Cli.run("list", "imap://u@127.0.0.1:1", "--tls=none", "--password-file",
                "/nonexistent/pw.txt");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("password file");
    }
}
