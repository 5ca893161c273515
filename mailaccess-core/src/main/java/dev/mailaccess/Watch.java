package dev.mailaccess;

import java.time.Duration;

/** A running {@link Mailbox#watch}: reports changes to its listener until closed or failed. */
public interface Watch extends AutoCloseable {
    /**
     * Whether it still watches.
     *
     * @return false once closed or ended by a failure ({@link WatchListener#onFailure})
     */
    boolean isActive();

    /**
     * Waits until the watch ends (closed from another thread, or failed).
     *
     * @param maxWait how long to wait at most
     * @return true if it has ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    boolean awaitEnd(Duration maxWait) throws InterruptedException;

    /** Stops watching and logs out; no event is reported after it returns. Safe to call more than once. */
    @Override
    void close();
}
