package dev.mailaccess;

/** The system flags of RFC 3501 / 9051 that a client may set. */
public enum Flag {
    /** The message has been read. */
    SEEN("\\Seen", 'S'),
    /** The message has been answered. */
    ANSWERED("\\Answered", 'R'),
    /** The message is marked for attention. */
    FLAGGED("\\Flagged", 'F'),
    /** The message is marked for removal; an expunge removes it for good. */
    DELETED("\\Deleted", 'T'),
    /** The message is a draft, not yet complete. */
    DRAFT("\\Draft", 'D');

    private final String imapName;
    private final char maildirLetter;

    Flag(String imapName, char maildirLetter) {
        this.imapName = imapName;
        this.maildirLetter = maildirLetter;
    }

    /**
     * The IMAP spelling.
     *
     * @return the flag with its backslash, e.g. {@code \Seen}
     */
    public String imapName() {
        return imapName;
    }

    /**
     * The Maildir info letter (the {@code :2,} suffix of a file name).
     *
     * @return e.g. {@code S} for seen, {@code R} for answered, {@code T} for deleted
     */
    public char maildirLetter() {
        return maildirLetter;
    }
}
