package dev.mailaccess;

/** A change was attempted on a folder opened {@link AccessMode#READ_ONLY}. */
public class ReadOnlyFolderException extends MailAccessException {
    /**
     * Creates the exception; its message names the folder.
     *
     * @param folder the path of the folder that is open read-only
     */
    public ReadOnlyFolderException(String folder) {
        super("folder " + folder + " is open read-only");
    }
}
