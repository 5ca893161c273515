package dev.mailaccess;

/** The system flags of RFC 3501 / 9051 that a client may set. */
public enum Flag {
    SEEN("\\Seen", 'S'),
    ANSWERED("\\Answered", 'R'),
    FLAGGED("\\Flagged", 'F'),
    DELETED("\\Deleted", 'T'),
    DRAFT("\\Draft", 'D');

    private final String imapName;
    private final char maildirLetter;

    Flag(String imapName, char maildirLetter) {
        this.imapName = imapName;
        this.maildirLetter = maildirLetter;
    }

    /** The IMAP spelling, e.g. {@code \Seen}. */
    public String imapName() {
        return imapName;
    }

    /** The Maildir info letter, e.g. {@code S} for seen. */
    public char maildirLetter() {
        return maildirLetter;
    }
}
