package dev.mailaccess.cli;

import dev.mailaccess.AccessMode;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code show URL REF}: the raw message to stdout, byte for byte, without marking it seen. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Write the raw message (RFC 5322) to stdout without setting \\Seen.")
public final class ShowCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(index = "0", paramLabel = "URL")
    private String url;

    @Parameters(index = "1", paramLabel = "REF",
            description = "imap:<uidvalidity>:<uid> or pop3:<uidl> as 'list' prints it; on IMAP also a bare UID.")
    private String ref;

    @Mixin
    private FolderOption folder;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        MessageRef parsed = ref.matches("[0-9]+") ? null : parse(ref);
        try (Mailbox mb = connection.connect(url, ctx);
             MailFolder f = mb.folder(folder.folder(), AccessMode.READ_ONLY)) {
            boolean imap = "imap".equals(mb.capabilities().protocol());
            MessageRef r = parsed != null ? parsed : bareUid(f, imap);
            if (r.isImap() != imap) {
                throw new UsageException("'" + ref + "' is not a " + mb.capabilities().protocol()
                        + " reference; use one that 'mailaccess list' prints");
            }
            try (InputStream in = f.openMessage(r)) {
                copy(in, ctx.out());
            } catch (IOException e) {
                // a broken connection while streaming: report it as the library's own exception (exit 4)
                for (Throwable c = e; c != null; c = c.getCause()) {
                    if (c instanceof MailAccessException m) {
                        throw m;
                    }
                }
                throw new UncheckedIOException("cannot copy the message to stdout: " + e.getMessage(), e);
            }
            ctx.out().flush();
        }
    }

    private MessageRef bareUid(MailFolder f, boolean imap) {
        if (!imap) {
            throw new UsageException("a bare number is an IMAP UID; POP3 references look like pop3:<uidl>");
        }
        long uid;
        try {
            uid = Long.parseLong(ref);
        } catch (NumberFormatException e) {
            throw new UsageException("UID out of range: " + ref);
        }
        if (uid <= 0) {
            throw new UsageException("a UID is positive: " + ref);
        }
        return MessageRef.imap(f.status().uidValidity(), uid);
    }

    private static MessageRef parse(String text) {
        try {
            return MessageRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /**
     * Copies a message to the output in 64 KB blocks: a streamed message arrives in blocks that large, and a block
     * that size passes the output's buffer without another copy ({@code transferTo} uses 8 KB).
     */
    static void copy(InputStream in, java.io.OutputStream out) throws IOException {
        byte[] block = new byte[64 * 1024];
        for (int n; (n = in.read(block)) >= 0; ) {
            out.write(block, 0, n);
        }
    }
}
