package dev.mailaccess;

/** How a folder is opened. */
public enum AccessMode {
    /** No changes possible; flags are never set as a side effect. */
    READ_ONLY,
    /** Flags, deletes, expunges and moves allowed. */
    READ_WRITE
}
