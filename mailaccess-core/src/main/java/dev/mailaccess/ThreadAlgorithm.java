package dev.mailaccess;

/**
 * How {@link MailFolder#threads} groups messages into conversations: the two algorithms of RFC 5256, which IMAP
 * servers with the THREAD extension run themselves and the library runs locally elsewhere, with the same rules.
 */
public enum ThreadAlgorithm {
    /**
     * By Message-ID, In-Reply-To and References (RFC 5256 section 3, after Jamie Zawinski's algorithm): replies
     * under what they answer, threads whose root is missing under a placeholder, and roots with the same base
     * subject joined. IMAP {@code THREAD=REFERENCES}.
     */
    REFERENCES("REFERENCES"),
    /**
     * By base subject alone ("Re: x" joins "x"): the first message by sent date is the root and the others its
     * children, oldest first. IMAP {@code THREAD=ORDEREDSUBJECT}.
     */
    ORDEREDSUBJECT("ORDEREDSUBJECT");

    private final String imapName;

    ThreadAlgorithm(String imapName) {
        this.imapName = imapName;
    }

    /**
     * The algorithm's name in IMAP, as in {@code THREAD=REFERENCES}.
     *
     * @return the upper-case name
     */
    public String imapName() {
        return imapName;
    }
}
