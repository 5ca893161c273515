package dev.mailaccess;

/**
 * One change {@link Mailbox#watch} reports: a message that arrived, was expunged, or whose flags changed.
 *
 * @param folder the watched folder's path, as given to {@link Mailbox#watch}
 * @param kind   what happened
 * @param ref    the message
 * @param flags  its flags now ({@link Kind#NEW}, {@link Kind#FLAGS}); null for {@link Kind#EXPUNGED} and over POP3,
 *               which keeps none
 */
public record WatchEvent(String folder, Kind kind, MessageRef ref, Flags flags) {
    /** What happened to the message. */
    public enum Kind {
        /** It arrived (or was copied or moved) into the folder. */
        NEW,
        /** It was removed from the folder for good. */
        EXPUNGED,
        /** Its flags or keywords changed. */
        FLAGS
    }
}
