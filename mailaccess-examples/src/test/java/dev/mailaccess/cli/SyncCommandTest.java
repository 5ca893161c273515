package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flags;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailaccess sync} and {@code mailaccess replica} (disconnected mode) against an embedded GreenMail. */
class SyncCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private GreenMailFixture server;
    private String user;
    private Map<String, String> env;

    @TempDir
    Path tmp;

    @BeforeEach
    void seed() {
        server = SharedServers.greenMail();
        user = server.newUser();
        for (int i = 0; i < 3; i++) {
            server.deliver(user, "INBOX", TestMessages.plain("S <s@example.test>", "r@example.test", "Sync " + i,
                    "body " + i + "\r\n"), Flags.NONE);
        }
        env = Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
    }

    private Cli.Result sync(String... more) {
        return Cli.run(env, Cli.args(new String[] {"sync", "imap://" + user + "@127.0.0.1:" + server.port("imap"),
                "--tls=none", "--replica", tmp.resolve("r").toString()}, more));
    }

    private Cli.Result replica(String... more) {
        return Cli.run(env, Cli.args(new String[] {"replica", tmp.resolve("r").toString()}, more));
    }

    @Test
    void syncThenOfflineChangesThenSyncPushesThem() throws Exception {
        Cli.Result first = sync("--json");
        assertThat(first.exit()).as(first.toString()).isZero();
        JsonNode j = JSON.readTree(first.out());
        assertThat(j.at("/down/new").asInt()).isEqualTo(3);
        assertThat(j.at("/up/flags").asInt()).isZero();

        Cli.Result list = replica("list", "INBOX");
        assertThat(list.exit()).as(list.toString()).isZero();
        List<String> lines = list.outLines();
        assertThat(lines).hasSize(3).allMatch(l -> l.contains("synced"));
        String id0 = lines.get(0).split("\t")[0];
        String id1 = lines.get(1).split("\t")[0];

        Cli.Result flag = replica("flag", "INBOX", id0, "+flagged", "+$Work");
        assertThat(flag.exit()).as(flag.toString()).isZero();
        assertThat(flag.out()).contains("flagged").contains("$Work");
        assertThat(replica("local", "Keep").exit()).isZero();
        Cli.Result move = replica("move", "INBOX", id1, "Keep");
        assertThat(move.exit()).as(move.toString()).isZero();
        Cli.Result show = replica("show", "Keep", move.out().strip());
        assertThat(show.out()).contains("Subject: Sync 1");
        assertThat(replica("list").out()).contains("Keep\t1\tlocal-only");

        Cli.Result search = replica("search", "INBOX", "subject:\"Sync 2\"");
        assertThat(search.exit()).as(search.toString()).isZero();
        assertThat(search.outLines()).singleElement().satisfies(l -> assertThat(l).endsWith("Sync 2"));
        assertThat(replica("search", "INBOX", "flag:flagged").outLines()).singleElement()
                .satisfies(l -> assertThat(l).startsWith(id0));

        Cli.Result second = sync();
        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.out()).contains("up: 1 flag change(s), 1 expunged");
        assertThat(server.messages(user, "INBOX")).hasSize(2);
    }

    @Test
    void replicaArgumentsMayStartWithDash() {
        assertThat(sync().exit()).isZero();
        String id = replica("list", "INBOX").outLines().get(0).split("\t")[0];
        assertThat(replica("flag", "INBOX", id, "+flagged", "+seen").exit()).isZero();

        Cli.Result unflag = replica("flag", "INBOX", id, "-flagged", "--verbose");
        assertThat(unflag.exit()).as(unflag.toString()).isZero();
        assertThat(unflag.out().strip()).isEqualTo("seen");

        Cli.Result unseen = replica("search", "INBOX", "-flag:seen", "-subject:\"Sync 2\"");
        assertThat(unseen.exit()).as(unseen.toString()).isZero();
        assertThat(unseen.outLines()).singleElement().satisfies(l -> assertThat(l).endsWith("Sync 1"));

        Cli.Result afterEndOfOptions = replica("search", "INBOX", "--", "-has:attachment", "-flag:seen");
        assertThat(afterEndOfOptions.exit()).as(afterEndOfOptions.toString()).isZero();
        assertThat(afterEndOfOptions.outLines()).hasSize(2);
    }

    @Test
    void replicaListAndSearchShowDecodedSubjects() {
        server.deliver(user, "INBOX", ("From: a@example.test\r\nSubject: =?utf-8?q?quarterly_budget?=\r\n\r\nhi\r\n")
                .getBytes(StandardCharsets.US_ASCII), Flags.NONE);
        assertThat(sync().exit()).isZero();

        Cli.Result list = replica("list", "INBOX");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.outLines()).hasSize(4).anySatisfy(l -> assertThat(l).endsWith("\tquarterly budget"));
        assertThat(list.out()).doesNotContain("=?");
        assertThat(replica("search", "INBOX", "subject:budget").outLines()).singleElement()
                .satisfies(l -> assertThat(l).endsWith("\tquarterly budget"));
    }

    @Test
    void replicaCommandsExplainMistakes() {
        assertThat(replica("list").exit()).isEqualTo(ExitCodes.USAGE); // not a replica yet
        assertThat(sync().exit()).isZero();
        Cli.Result bad = replica("list", "Nope");
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("no folder 'Nope'");
        assertThat(replica("frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(replica("flag", "INBOX", "x", "flagged").err()).contains("+NAME or -NAME");
    }

    @Test
    void replicaAndServerErrorsEachReportAsThemselves() {
        // the connection is made while the replica is read: neither error may hide the other or leave it open
        assertThat(sync().exit()).isZero();
        try (Replica held = Replica.open(tmp.resolve("r"))) {
            Cli.Result inUse = sync();
            assertThat(inUse.exit()).as(inUse.toString()).isEqualTo(ExitCodes.ERROR);
            assertThat(inUse.err()).contains("is open elsewhere");
        }
        Cli.Result wrongPassword = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, "wrong"),
                "sync", "imap://" + user + "@127.0.0.1:" + server.port("imap"), "--tls=none", "--replica",
                tmp.resolve("r").toString());
        assertThat(wrongPassword.exit()).as(wrongPassword.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
        Cli.Result refused = Cli.run(env, "sync", "imap://" + user + "@127.0.0.1:1", "--tls=none", "--replica",
                tmp.resolve("r").toString(), "--timeout", "5");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.CONNECTION);
        try (Replica free = Replica.open(tmp.resolve("r"))) { // the failed runs released the replica
            assertThat(free.messages("INBOX")).hasSize(3);
        }
    }
}
