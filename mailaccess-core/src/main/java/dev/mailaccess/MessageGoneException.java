package dev.mailaccess;

/**
 * The referenced message no longer exists: expunged by another client, or the folder's UIDVALIDITY changed so the
 * reference is stale.
 */
public class MessageGoneException extends MailAccessException {
    private final MessageRef ref;

    public MessageGoneException(MessageRef ref, String why) {
        super("message " + ref + " is gone: " + why);
        this.ref = ref;
    }

    public MessageRef ref() {
        return ref;
    }
}
