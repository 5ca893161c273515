package dev.mailaccess;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One quota root that applies to a folder (IMAP QUOTA, RFC 9208), from {@link Mailbox#quota(String)}: a name and its
 * resources, each with its usage and its limit.
 *
 * @param root      the quota root's name, often {@code ""} or {@code "User quota"}
 * @param resources the limited resources, in the server's order
 */
public record Quota(String root, List<Resource> resources) {

    /**
     * Copies the list.
     *
     * @param root      the quota root's name
     * @param resources the limited resources
     * @throws NullPointerException if an argument is null
     */
    public Quota {
        Objects.requireNonNull(root, "root");
        resources = List.copyOf(resources);
    }

    /**
     * One limited resource.
     *
     * @param name  the resource, upper case: {@code STORAGE} (in units of 1024 bytes), {@code MESSAGE} (messages),
     *              or another the server names
     * @param usage how much is used now
     * @param limit how much may be used
     */
    public record Resource(String name, long usage, long limit) {
        /**
         * Normalises the name to upper case.
         *
         * @param name  the resource's name, in any case
         * @param usage how much is used now
         * @param limit how much may be used
         * @throws NullPointerException if the name is null
         */
        public Resource {
            name = name.toUpperCase(Locale.ROOT);
        }

        /**
         * How full this resource is.
         *
         * @return usage divided by limit (1.0 or more: full); 1.0 for a limit of 0
         */
        public double fraction() {
            return limit <= 0 ? 1.0 : (double) usage / limit;
        }
    }

    /**
     * A resource by name.
     *
     * @param name e.g. {@code STORAGE}, in any case
     * @return the resource, or empty when this root does not limit it
     */
    public Optional<Resource> resource(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return resources.stream().filter(r -> r.name().equals(upper)).findFirst();
    }

    /**
     * Storage used, in bytes.
     *
     * @return the STORAGE usage times 1024, or -1 when this root does not limit storage
     */
    public long storageUsedBytes() {
        return resource("STORAGE").map(r -> r.usage() * 1024).orElse(-1L);
    }

    /**
     * Storage allowed, in bytes.
     *
     * @return the STORAGE limit times 1024, or -1 when this root does not limit storage
     */
    public long storageLimitBytes() {
        return resource("STORAGE").map(r -> r.limit() * 1024).orElse(-1L);
    }
}
