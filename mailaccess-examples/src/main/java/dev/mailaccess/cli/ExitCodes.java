package dev.mailaccess.cli;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.search.QuerySyntaxException;
import picocli.CommandLine;

/** The tool's exit codes, and which failure gives which. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** Any other failure. */
    public static final int ERROR = 1;
    /** Wrong command line. */
    public static final int USAGE = 2;
    /** The server refused the credentials. */
    public static final int AUTHENTICATION = 3;
    /** The server could not be reached, TLS failed, the connection broke or timed out. */
    public static final int CONNECTION = 4;
    /** The protocol cannot do it, or only by emulation and {@code --emulate} was not given. */
    public static final int UNSUPPORTED = 5;

    private ExitCodes() {
    }

    /** The exit code for a failure. */
    public static int of(Throwable t) {
        if (t instanceof UsageException || t instanceof QuerySyntaxException
                || t instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        if (t instanceof AuthenticationException) {
            return AUTHENTICATION;
        }
        if (t instanceof ConnectionException) {
            return CONNECTION;
        }
        if (t instanceof UnsupportedCapabilityException) {
            return UNSUPPORTED;
        }
        return ERROR;
    }
}
