package dev.mailaccess;

/** The named folder does not exist on the server (or, for POP3, is not INBOX). */
public class FolderNotFoundException extends MailAccessException {
    private final String folder;

    public FolderNotFoundException(String folder, Throwable cause) {
        super("folder not found: " + folder, cause);
        this.folder = folder;
    }

    public String folder() {
        return folder;
    }
}
