package dev.mailaccess.replica;

import dev.mailaccess.MailAccessException;

import java.nio.file.Path;

/**
 * The replica directory is already open, in this process or another one. A replica has one writer at a time: two
 * would interleave their journals and overwrite each other's state. Close the other {@link Replica} (or wait for the
 * other process) and open it again. The lock is an operating-system file lock, so it ends with the process that
 * held it, even after a crash.
 */
public final class ReplicaInUseException extends MailAccessException {
    /** The replica directory that is open elsewhere. */
    private final Path directory;

    /**
     * Creates the exception; its message names the directory.
     *
     * @param directory the replica directory that is open elsewhere
     */
    public ReplicaInUseException(Path directory) {
        super("the replica " + directory + " is open elsewhere (another Replica in this process, or another "
                + "process); one writer at a time");
        this.directory = directory;
    }

    /**
     * The replica directory.
     *
     * @return the directory as the replica names it: absolute and normalised
     */
    public Path directory() {
        return directory;
    }
}
