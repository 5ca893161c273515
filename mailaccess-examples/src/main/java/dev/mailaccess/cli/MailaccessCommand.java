package dev.mailaccess.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.List;

/** The top command: holds the shared context and the {@code --verbose} switch, and lists the subcommands. */
@Command(name = "mailaccess", mixinStandardHelpOptions = true, version = "mailaccess 0.1.0",
        description = "One mailbox API over POP3 and IMAP: list, show and search mail, and see what each protocol "
                + "can do.",
        footer = {"",
                "URL: imaps://user@host[:port], imap://..., pop3s://..., pop3://... (imap:// and pop3:// require "
                        + "STARTTLS unless --tls=none).",
                "Password: environment variable MAILACCESS_PASSWORD, or --password-file FILE.",
                "Exit codes: 0 ok, 1 error, 2 usage, 3 authentication failed, 4 connection or timeout, "
                        + "5 unsupported capability."},
        synopsisSubcommandLabel = "COMMAND")
public final class MailaccessCommand implements Runnable {
    /**
     * The subcommands in the order help lists them. {@link Main} registers only the one a run invokes when it can
     * tell which: picocli reads every registered command's annotations, a fifth of the tool's start-up.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(DemoCommand.class, CapabilitiesCommand.class,
            FoldersCommand.class, ListCommand.class, ShowCommand.class, SearchCommand.class, ThreadsCommand.class,
            WatchCommand.class, FetchCommand.class, SyncCommand.class, ReplicaCommand.class, QuotaCommand.class,
            CommandLine.HelpCommand.class,
            picocli.AutoComplete.GenerateCompletion.class);

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    private boolean verbose;

    MailaccessCommand(CliContext context) {
        this.context = context;
    }

    CliContext context() {
        return context;
    }

    @Override
    public void run() {
        List<String> names = spec.subcommands().values().stream()
                .filter(c -> !c.getCommandSpec().helpCommand()
                        && !(c.getCommand() instanceof AutoComplete.GenerateCompletion))
                .map(CommandLine::getCommandName)
                .toList();
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", names));
    }
}
