package dev.mailaccess.cli;

import dev.mailaccess.Mailbox;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.List;

/** {@code capabilities [URL]}: the static POP3-versus-IMAP table, or what a live session can do. */
@Command(name = "capabilities", mixinStandardHelpOptions = true,
        description = {"Without URL: what POP3 and IMAP can do, side by side, before connecting.",
                "With URL: what this server's session can do, after login."})
public final class CapabilitiesCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Parameters(arity = "0..1", paramLabel = "URL", description = "e.g. imaps://alice@mail.example.org")
    private String url;

    @Option(names = "--markdown", description = "Print a Markdown table (as in the README).")
    private boolean markdown;

    @Mixin
    private ConnectionOptions connection;

    @Override
    public void run() {
        CliContext ctx = top.context();
        CapabilityTable table;
        if (url == null) {
            table = CapabilityTable.pop3VersusImap();
        } else {
            try (Mailbox mb = connection.connect(url, ctx)) {
                table = new CapabilityTable(List.of(mb.capabilities()));
                if (!markdown) {
                    ctx.out().println(mb.config().displayUri() + (connection.emulate()
                            ? " (emulation allowed)" : " (emulation not allowed; --emulate allows EMULATED)"));
                }
            }
        }
        ctx.out().print(markdown ? table.toMarkdown() : table.toText());
    }
}
