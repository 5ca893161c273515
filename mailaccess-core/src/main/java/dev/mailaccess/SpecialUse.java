package dev.mailaccess;

/** RFC 6154 special-use folder roles, as the server declares them. */
public enum SpecialUse {
    /** A virtual folder of every message in the account. */
    ALL("\\All"),
    /** Where messages are archived. */
    ARCHIVE("\\Archive"),
    /** Where drafts are kept. */
    DRAFTS("\\Drafts"),
    /** A virtual folder of the messages marked {@link Flag#FLAGGED}. */
    FLAGGED("\\Flagged"),
    /** Where spam goes. */
    JUNK("\\Junk"),
    /** Where sent messages are kept. */
    SENT("\\Sent"),
    /** Where deleted messages go. */
    TRASH("\\Trash");

    private final String attribute;

    SpecialUse(String attribute) {
        this.attribute = attribute;
    }

    /**
     * The LIST attribute that declares this role.
     *
     * @return the attribute with its backslash, e.g. {@code \Sent}
     */
    public String attribute() {
        return attribute;
    }

    /**
     * The role a LIST attribute declares.
     *
     * @param attr a LIST attribute, e.g. {@code \Sent}; compared ignoring case
     * @return the role, or null if the attribute declares none (or is null)
     */
    public static SpecialUse fromAttribute(String attr) {
        for (SpecialUse u : values()) {
            if (u.attribute.equalsIgnoreCase(attr)) {
                return u;
            }
        }
        return null;
    }
}
