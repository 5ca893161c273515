package dev.mailaccess;

/** The named folder does not exist on the server (or, for POP3, is not INBOX). */
public class FolderNotFoundException extends MailAccessException {
    /** The path that was asked for. */
    private final String folder;

    /**
     * Creates the exception; its message names the folder.
     *
     * @param folder the path that was asked for
     * @param cause   the underlying failure, or null
     */
    public FolderNotFoundException(String folder, Throwable cause) {
        super("folder not found: " + folder, cause);
        this.folder = folder;
    }

    /**
     * The folder that was not found.
     *
     * @return the path as the caller gave it
     */
    public String folder() {
        return folder;
    }
}
