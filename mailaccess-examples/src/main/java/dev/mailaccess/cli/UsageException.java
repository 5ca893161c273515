package dev.mailaccess.cli;

/** The command line is wrong (bad URL, no password, unreadable file, bad reference): exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
