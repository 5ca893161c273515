package dev.mailaccess;

/**
 * Progress of long work (downloads, syncs), in messages and bytes. Every method has a no-op default, so new events
 * can be added without breaking implementations. Called on the working thread: return quickly.
 */
public interface ProgressListener {
    /** A listener that ignores everything. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** Work on a folder starts: {@code messages} messages of {@code bytes} bytes in all are to be done. */
    default void started(String folder, int messages, long bytes) {
    }

    /** One message is done; totals so far across the whole run. */
    default void progressed(String folder, int messagesDone, long bytesDone) {
    }

    /** The connection was lost and is being re-established (attempt counts from 1). */
    default void reconnecting(int attempt, Throwable cause) {
    }
}
