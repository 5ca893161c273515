package dev.mailaccess.cli;

import dev.mailaccess.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code demo}: POP3 and IMAP side by side against an embedded server; needs no configuration or network. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded mail server on loopback and compare POP3 with IMAP on the same mailbox.")
public final class DemoCommand implements Runnable {
    @ParentCommand
    private MailaccessCommand top;

    @Override
    public void run() {
        new Demo(top.context().out()).run();
    }
}
