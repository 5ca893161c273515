package dev.mailaccess.cli;

import picocli.CommandLine.Option;

/** {@code --folder F}, INBOX by default. */
public final class FolderOption {
    @Option(names = "--folder", paramLabel = "F", defaultValue = "INBOX",
            description = "Folder to use (default: ${DEFAULT-VALUE}; POP3 has only INBOX).")
    private String folder;

    public String folder() {
        return folder;
    }
}
