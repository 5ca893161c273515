package dev.mailaccess.examples;

import dev.mailaccess.BodyPart;
import dev.mailaccess.Credentials;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageSummary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Finds the first attachment in the inbox, newest message first, and saves it to a file in the current directory.
 *
 * <pre>
 * MAILACCESS_PASSWORD=secret java -cp mailaccess.jar dev.mailaccess.examples.FetchAttachment imaps://alice@mail.example.org
 * </pre>
 *
 * <p>The MIME structure of every message comes in one batched request ({@link FetchSpec.Item#STRUCTURE}), and only
 * the chosen part is downloaded ({@link MailFolder#openPart}), decoded, as a stream. On IMAP that is native; on POP3
 * {@code BODY_PART} is emulated by downloading whole messages, so it runs only with
 * {@code MailboxConfig.Builder.allowEmulation(true)}.
 */
public final class FetchAttachment {
    private FetchAttachment() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: FetchAttachment URL   (password in $MAILACCESS_PASSWORD)");
            System.exit(2);
        }
        MailboxConfig config = MailboxConfig.fromUri(URI.create(args[0]))
                .credentials(Credentials.password(System.getenv("MAILACCESS_PASSWORD")))
                .build();
        Optional<Path> saved = run(config, Path.of("."));
        System.out.println(saved.map(p -> "saved " + p).orElse("no attachment in the inbox"));
    }

    /** Saves the first attachment found into {@code directory}; returns the file, or empty if there is none. */
    public static Optional<Path> run(MailboxConfig config, Path directory) {
        try (Mailbox mailbox = MailAccess.connect(config);
             MailFolder inbox = mailbox.inbox()) {
            List<MessageSummary> all = inbox.summaries(FetchSpec.of(FetchSpec.Item.STRUCTURE));
            for (int i = all.size() - 1; i >= 0; i--) {
                MessageSummary s = all.get(i);
                Optional<BodyPart> attachment = s.structure().flatten().stream()
                        .filter(BodyPart::isAttachment).findFirst();
                if (attachment.isPresent()) {
                    BodyPart part = attachment.get();
                    // Never trust a file name from a message: keep only its last path element.
                    String name = part.fileName().isEmpty() ? "attachment.bin"
                            : Path.of(part.fileName().replace('\\', '/')).getFileName().toString();
                    Path target = directory.resolve(name);
                    try (InputStream in = inbox.openPart(s.ref(), part.path())) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot save " + target, e);
                    }
                    return Optional.of(target);
                }
            }
            return Optional.empty();
        }
    }
}
