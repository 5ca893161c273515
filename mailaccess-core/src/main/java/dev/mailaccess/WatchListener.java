package dev.mailaccess;

/**
 * Receives what a {@link Mailbox#watch} sees, on the watch's own thread, one call at a time. A listener that throws
 * does not stop the watch.
 */
public interface WatchListener {
    /**
     * A change in a watched folder.
     *
     * @param event what changed
     */
    void onEvent(WatchEvent event);

    /**
     * The connection broke; the watch reconnects after a pause and then reports what changed meanwhile. By default
     * nothing is done.
     *
     * @param attempt the reconnect attempt about to be made, from 1
     * @param cause   why the connection was lost
     */
    default void onReconnecting(int attempt, MailAccessException cause) {
    }

    /**
     * The watch has ended on its own: the reconnect attempts are spent, or the failure is not one a reconnect
     * cures (e.g. authentication, a folder that no longer exists). Not called after {@link Watch#close()}.
     *
     * @param cause the last failure
     */
    default void onFailure(MailAccessException cause) {
    }
}
