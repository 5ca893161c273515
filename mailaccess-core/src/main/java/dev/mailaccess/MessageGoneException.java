package dev.mailaccess;

/**
 * The referenced message no longer exists: expunged by another client, or the folder's UIDVALIDITY changed so the
 * reference is stale.
 */
public class MessageGoneException extends MailAccessException {
    /** The reference that no longer points to a message. */
    private final MessageRef ref;

    /**
     * Creates the exception; its message names the reference and the reason.
     *
     * @param ref the reference that no longer points to a message
     * @param why why it is gone, e.g. expunged or UIDVALIDITY changed
     */
    public MessageGoneException(MessageRef ref, String why) {
        super("message " + ref + " is gone: " + why);
        this.ref = ref;
    }

    /**
     * The message that is gone.
     *
     * @return the reference the caller used
     */
    public MessageRef ref() {
        return ref;
    }
}
