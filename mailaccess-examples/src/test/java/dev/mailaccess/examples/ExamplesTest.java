package dev.mailaccess.examples;

import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.cli.demo.DemoMail;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The copyable examples run against an embedded GreenMail. */
class ExamplesTest {
    /** One GreenMail for the whole test JVM; each test isolates itself with a new user. */
    private final GreenMailFixture server = SharedServers.greenMail();
    private String user;

    @BeforeEach
    void seed() {
        user = server.newUser();
        DemoMail.messages().forEach(m -> server.deliver(user, "INBOX", m, Flags.NONE));
    }

    @Test
    void openAndListPrintsNewestFirst() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OpenAndList.run(server.config("imap", user).build(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).contains("Your invoice 2025-0042");
        assertThat(lines.get(7)).contains("Welcome to mailaccess");
    }

    @Test
    void openAndListWorksOnPop3Too() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OpenAndList.run(server.config("pop3", user).build(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // GreenMail's POP3 has no TOP: without emulation the example lists refs and sizes and says why
        assertThat(lines.get(0)).startsWith("(no subjects: ");
        assertThat(lines.subList(1, lines.size())).hasSize(8).allMatch(l -> l.startsWith("pop3:"));
        assertThat(lines.get(1)).startsWith("pop3:8 ");
    }

    @Test
    void fetchAttachmentSavesTheDecodedPart(@TempDir Path dir) throws IOException {
        Optional<Path> saved = FetchAttachment.run(server.config("imap", user).build(), dir);
        assertThat(saved).contains(dir.resolve(DemoMail.ATTACHMENT_NAME));
        assertThat(Files.readString(saved.orElseThrow(), StandardCharsets.US_ASCII))
                .isEqualTo(DemoMail.ATTACHMENT_CONTENT);
    }

    @Test
    void fetchAttachmentOnPop3NeedsEmulation(@TempDir Path dir) throws IOException {
        Optional<Path> saved = FetchAttachment.run(server.config("pop3", user).allowEmulation(true).build(), dir);
        assertThat(Files.readString(saved.orElseThrow(), StandardCharsets.US_ASCII))
                .isEqualTo(DemoMail.ATTACHMENT_CONTENT);
    }

    @Test
    void capabilityCheckSearchesOnImapAndExplainsOnPop3() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<MessageRef> hits = CapabilityCheck.run(server.config("imap", user).build(),
                SearchQuery.subject("invoice"), out);
        assertThat(hits).hasSize(1);

        bytes.reset();
        assertThat(CapabilityCheck.run(server.config("pop3", user).build(), SearchQuery.subject("invoice"), out))
                .isNull();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("not searching", "EMULATED", "POP3 has no SEARCH");
    }
}
