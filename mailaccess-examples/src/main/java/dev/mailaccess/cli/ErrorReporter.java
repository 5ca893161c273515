package dev.mailaccess.cli;

import dev.mailaccess.search.QuerySyntaxException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Prints a failure as one line on stderr ({@code mailaccess: <message>}) and returns its exit code; the stack trace
 * only with {@code --verbose}. Known secrets are masked in everything it prints.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private final CliContext context;

    ErrorReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        report(e, verbose(parseResult));
        return ExitCodes.of(e);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        context.err().println("mailaccess: " + context.redact(oneLine(e.getMessage()))
                + " (see '" + command + " --help')");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    void report(Throwable e, boolean verbose) {
        context.err().println("mailaccess: " + context.redact(message(e)));
        if (verbose) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            context.err().print(context.redact(trace.toString()));
        }
        context.err().flush();
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof QuerySyntaxException) {
            // "problem at position N:\n  input\n  ^": keep the problem and the position
            return "bad query: " + m.lines().findFirst().orElse(m).replaceFirst(":$", "");
        }
        return oneLine(m);
    }

    private static String oneLine(String m) {
        return m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static boolean verbose(CommandLine.ParseResult pr) {
        for (CommandLine.ParseResult r = pr; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
