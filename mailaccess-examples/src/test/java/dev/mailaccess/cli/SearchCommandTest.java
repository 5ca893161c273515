package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flag;
import dev.mailaccess.cli.demo.DemoMail;
import dev.mailaccess.Flags;
import dev.mailaccess.testkit.GreenMailFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code search --explain}, {@code --explain-only}, {@code --where} and the OR/group syntax, against GreenMail. */
class SearchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GreenMailFixture server;
    private static String user;
    private static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = new GreenMailFixture();
        user = server.newUser();
        List<byte[]> mail = DemoMail.messages();
        for (int i = 0; i < mail.size(); i++) {
            server.deliver(user, "INBOX", mail.get(i), i < 2 ? Flags.of(Flag.SEEN) : Flags.NONE);
        }
        env = Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private Cli.Result run(String protocol, String... more) {
        List<String> args = new ArrayList<>(List.of("search", protocol + "://" + user + "@127.0.0.1:"
                + server.port(protocol), "--tls=none"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    @Test
    void explainPrintsThePlanThenTheResults() {
        Cli.Result r = run("imap", "subject:lunch (has:attachment OR -body:pizza)", "--explain");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("server:     UID SEARCH SUBJECT \"lunch\"",
                "server set: UID SEARCH NOT BODY \"pizza\"", "local:      has:attachment OR -body:pizza",
                "MIME structure", "~3 round trip");
        assertThat(r.out()).contains("Re: Lunch on Friday?");
    }

    @Test
    void explainOnlySearchesNothing() throws IOException {
        Cli.Result r = run("pop3", "body:pizza", "--explain-only", "--emulate", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(1);
        JsonNode plan = JSON.readTree(r.outLines().get(0)).get("plan");
        assertThat(plan.get("localData").asText()).isEqualTo("BODY");
        assertThat(plan.get("local").asText()).isEqualTo("body:pizza");
        assertThat(plan.get("notes").get(0).asText()).contains("RETR");
    }

    @Test
    void everyModeGivesTheSameAnswer() {
        String q = "(subject:lunch OR subject:invoice) -flag:seen";
        List<String> answers = new ArrayList<>();
        for (String mode : List.of("PLANNED", "SERVER_ONLY", "LOCAL_ONLY")) {
            Cli.Result r = run("imap", q, "--where", mode);
            assertThat(r.exit()).as(r.toString()).isZero();
            answers.add(r.out());
        }
        assertThat(answers.get(0)).contains("Re: Lunch on Friday?", "Your invoice 2025-0042");
        assertThat(answers).containsOnly(answers.get(0));
    }

    @Test
    void queryStartingWithDashIsTheQueryWhereverOptionsStand() throws IOException {
        String query = "-flag:seen subject:lunch";
        for (List<String> args : List.of(List.of(query), List.of(query, "--json"), List.of("--json", query),
                List.of("--", query), List.of("--json", "--", query), List.of(query, "--where", "LOCAL_ONLY"))) {
            Cli.Result r = run("imap", args.toArray(String[]::new));
            assertThat(r.exit()).as(args + "\n" + r).isZero();
            // "Lunch on Friday?" is seen: only the unseen reply matches
            if (args.contains("--json")) {
                assertThat(subjects(r)).as(args.toString()).containsExactly("Re: Lunch on Friday?");
            } else {
                assertThat(r.outLines()).as(args.toString()).hasSize(2); // the heading and one message
                assertThat(r.out()).contains("Re: Lunch on Friday?");
            }
        }
    }

    @Test
    void queryStartingWithTheHelpOrVersionLetterIsNoSwitch() throws IOException {
        Cli.Result r = run("imap", "-has:attachment -flag:seen", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(subjects(r)).containsExactly("Your invoice 2025-0042", "Re: Lunch on Friday?",
                "Build failed: main #1234", "This week: IMAP vs POP3", DemoMail.GREETINGS_SUBJECT);

        Cli.Result bareWord = run("imap", "-Venice -flag:seen", "--json");
        assertThat(bareWord.exit()).as(bareWord.toString()).isZero();
        assertThat(subjects(bareWord)).hasSize(6);
    }

    @Test
    void unknownOptionsAndHelpStillAreWhatTheyWere() {
        Cli.Result typo = run("imap", "-flag:seen", "--jsno");
        assertThat(typo.exit()).as(typo.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.err()).contains("--jsno");
        assertThat(typo.out()).isEmpty();

        Cli.Result help = run("imap", "-h");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).contains("Usage: mailaccess search");
    }

    private static List<String> subjects(Cli.Result r) throws IOException {
        List<String> subjects = new ArrayList<>();
        for (String line : r.outLines()) {
            subjects.add(JSON.readTree(line).get("subject").asText());
        }
        return subjects;
    }

    @Test
    void syntaxErrorsPointAtTheMistake() {
        Cli.Result r = run("imap", "from:a (to:b OR");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("dangling OR", "position 13");
        assertThat(r.out()).isEmpty();
    }
}
