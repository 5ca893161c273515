package dev.mailaccess.spi;

import java.time.Duration;
import java.util.Collection;

/**
 * Optional for an adapter's open folder: waiting on its one connection for news of other folders too (IMAP NOTIFY,
 * RFC 5465), so that a watch of several folders is pushed rather than polled. Core's watch uses it where the
 * folder implements it and {@link #canWatchOthers()} is true.
 */
public interface MultiFolderPush {
    /**
     * Whether this session's server can tell of other folders' changes on this folder's connection.
     *
     * @return true where the server has NOTIFY and IDLE
     */
    boolean canWatchOthers();

    /**
     * Waits until the server tells of a change to this folder or to one of the others (new, expunged or
     * flag-changed messages), or the time is up.
     *
     * @param others  the other folders' paths
     * @param maxWait how long to wait at most
     * @return true if something changed, false if the time ran out
     */
    boolean awaitChange(Collection<String> others, Duration maxWait);
}
