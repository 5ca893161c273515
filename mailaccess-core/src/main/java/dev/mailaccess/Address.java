package dev.mailaccess;

/**
 * A mail address with its decoded display name.
 *
 * @param name  display name, decoded from RFC 2047; empty if none
 * @param email the address, e.g. {@code alice@example.org}
 */
public record Address(String name, String email) {
    /**
     * Normalises absent parts to empty strings.
     *
     * @param name  display name, decoded; null is taken as empty
     * @param email the address; null is taken as empty
     */
    public Address {
        name = name == null ? "" : name;
        email = email == null ? "" : email;
    }

    @Override
    public String toString() {
        return name.isEmpty() ? email : name + " <" + email + ">";
    }
}
