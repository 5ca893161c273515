package dev.mailaccess;

import java.util.Set;

/**
 * A folder as the server lists it.
 *
 * @param path       full path with the server's delimiter, e.g. {@code INBOX/Projects}
 * @param delimiter  hierarchy delimiter, or empty if the server has none
 * @param attributes LIST attributes as sent, e.g. {@code \HasNoChildren}
 * @param specialUse the declared role, or null
 * @param selectable false for {@code \Noselect} / {@code \NonExistent} folders
 */
public record FolderInfo(String path, String delimiter, Set<String> attributes, SpecialUse specialUse,
                         boolean selectable) {
    /**
     * Copies the attributes.
     *
     * @param path       full path with the server's delimiter
     * @param delimiter  hierarchy delimiter, or empty if the server has none
     * @param attributes LIST attributes as sent; must not be null
     * @param specialUse the declared role, or null
     * @param selectable false for {@code \Noselect} / {@code \NonExistent} folders
     */
    public FolderInfo {
        attributes = Set.copyOf(attributes);
    }
}
