package dev.mailaccess;

/** RFC 6154 special-use folder roles, as the server declares them. */
public enum SpecialUse {
    ALL("\\All"), ARCHIVE("\\Archive"), DRAFTS("\\Drafts"), FLAGGED("\\Flagged"), JUNK("\\Junk"),
    SENT("\\Sent"), TRASH("\\Trash");

    private final String attribute;

    SpecialUse(String attribute) {
        this.attribute = attribute;
    }

    /** The LIST attribute, e.g. {@code \Sent}. */
    public String attribute() {
        return attribute;
    }

    /** The role a LIST attribute declares, or null. */
    public static SpecialUse fromAttribute(String attr) {
        for (SpecialUse u : values()) {
            if (u.attribute.equalsIgnoreCase(attr)) {
                return u;
            }
        }
        return null;
    }
}
