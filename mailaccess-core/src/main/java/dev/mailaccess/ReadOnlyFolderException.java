package dev.mailaccess;

/** A change was attempted on a folder opened {@link AccessMode#READ_ONLY}. */
public class ReadOnlyFolderException extends MailAccessException {
    public ReadOnlyFolderException(String folder) {
        super("folder " + folder + " is open read-only");
    }
}
