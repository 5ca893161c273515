package dev.mailaccess.cli;

import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code mailaccess} command-line tool. {@link #main} exits the JVM; {@link #run} does not, so tests and other
 * programs can call the tool in-process with their own streams and environment.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
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
            return commandLine(context).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured picocli command line, for callers that want picocli's own API. */
    public static CommandLine commandLine(CliContext context) {
        ErrorReporter reporter = new ErrorReporter(context);
        CommandLine cl = new CommandLine(new MailaccessCommand(context));
        cl.setOut(new PrintWriter(new OutputStreamWriter(context.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(context.err(), StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        return cl;
    }
}
