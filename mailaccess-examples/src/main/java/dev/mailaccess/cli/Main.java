package dev.mailaccess.cli;

import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code mailaccess} command-line tool. {@link #main} exits the JVM; {@link #run} does not, so tests and other
 * programs can call the tool in-process with their own streams and environment.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // picocli's converters for java.sql types would load JDBC's DriverManager on every start
        if (System.getProperty("picocli.converters.excludes") == null) {
            System.setProperty("picocli.converters.excludes", "java.sql.*");
        }
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, out, err, System.getenv());
        System.exit(code);
    }

    /** Runs the tool with the real environment; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    /**
     * Runs the tool; returns the exit code (see {@link ExitCodes}).
     *
     * @param env the environment to read {@code MAILACCESS_PASSWORD} from
     */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CliContext context = new CliContext(out, err, env);
        try {
            return commandLine(context, invoked(args)).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured picocli command line, for callers that want picocli's own API. */
    public static CommandLine commandLine(CliContext context) {
        return commandLine(context, MailaccessCommand.SUBCOMMANDS);
    }

    /**
     * The subcommand the arguments name (the first word that is not an option: the top command's options take no
     * value), or all of them when there is none, it is unknown, or it is {@code help} or {@code generate-completion},
     * which read the others.
     */
    static List<Class<?>> invoked(String[] args) {
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            for (Class<?> c : MailaccessCommand.SUBCOMMANDS) {
                if (c.getAnnotation(CommandLine.Command.class).name().equals(arg)) {
                    boolean readsOthers = c == CommandLine.HelpCommand.class
                            || c == picocli.AutoComplete.GenerateCompletion.class;
                    return readsOthers ? MailaccessCommand.SUBCOMMANDS : List.of(c);
                }
            }
            break;
        }
        return MailaccessCommand.SUBCOMMANDS;
    }

    private static CommandLine commandLine(CliContext context, List<Class<?>> subcommands) {
        ErrorReporter reporter = new ErrorReporter(context);
        CommandLine cl = new CommandLine(new MailaccessCommand(context));
        for (Class<?> c : subcommands) {
            // a CommandLine of its own: picocli applies a command's model transformer only when a caller makes one
            cl.addSubcommand(new CommandLine(c));
        }
        cl.setOut(new PrintWriter(new OutputStreamWriter(context.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(context.err(), StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        return cl;
    }
}
