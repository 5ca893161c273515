package dev.mailaccess;

/**
 * Progress of long work (downloads, syncs), in messages and bytes. Every method has a no-op default, so new events
 * can be added without breaking implementations. Called on the working thread: return quickly.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /**
     * Work on a folder starts. Called again for the same folder when a new session resumes it (after a reconnect,
     * or after POP3 deletions were committed), with what is still to do.
     *
     * @param folder   the folder's path
     * @param messages messages to download
     * @param bytes    their total size in bytes, as the server reports it (0 for a message of unknown size)
     */
    default void started(String folder, int messages, long bytes) {
    }

    /**
     * One message is done; totals so far across the whole run, all folders and sessions.
     *
     * @param folder       the folder the message came from
     * @param messagesDone messages downloaded so far
     * @param bytesDone    their total size in bytes, as the server reported it
     */
    default void progressed(String folder, int messagesDone, long bytesDone) {
    }

    /**
     * The connection was lost and is being re-established, after a backoff wait that follows this call.
     *
     * @param attempt the number of the attempt that failed, counting from 1
     * @param cause   why it failed, a retryable {@link ConnectionException}
     */
    default void reconnecting(int attempt, Throwable cause) {
    }
}
