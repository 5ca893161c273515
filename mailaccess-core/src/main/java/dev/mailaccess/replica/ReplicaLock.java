package dev.mailaccess.replica;

import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per replica directory: an operating-system lock on {@code <root>/lock}, held from {@link Replica#open}
 * to {@link Replica#close}, so two replicas (in this process or another) never interleave their journals. The lock
 * ends with the channel, and so with the process, even after a crash.
 */
final class ReplicaLock {
    private final Path root;
    /** Holds the operating-system lock on {@code <root>/lock} while open. */
    private FileChannel lockChannel;

    private ReplicaLock(Path root) {
        this.root = root;
    }

    /**
     * Takes the lock of a replica directory, creating the directory if needed.
     *
     * @throws ReplicaInUseException if another Replica, in this process or another, has the directory open
     */
    static ReplicaLock take(Path root) {
        ReplicaLock l = new ReplicaLock(root);
        l.lock();
        return l;
    }

    private void lock() {
        try {
            Files.createDirectories(root);
            lockChannel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot open the replica " + root + ": " + e.getMessage(), e);
        }
        FileLock held;
        try {
            held = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // this process already holds it
        } catch (IOException e) {
            release();
            throw new Maildir.StoreException("cannot lock the replica " + root + ": " + e.getMessage(), e);
        }
        if (held == null) {
            release();
            throw new ReplicaInUseException(root);
        }
    }

    /** Releases the lock; nothing happens if it is not held. */
    void release() {
        try {
            if (lockChannel != null) {
                lockChannel.close(); // releases the lock
            }
        } catch (IOException ignored) {
            // the lock ends with the channel in any case
        }
        lockChannel = null;
    }

    /** Whether the lock is held, that is, the replica is open. */
    boolean held() {
        return lockChannel != null;
    }

    /** @throws IllegalStateException if the replica was closed */
    void checkOpen() {
        if (lockChannel == null) {
            throw new IllegalStateException("the replica " + root + " is closed");
        }
    }
}
