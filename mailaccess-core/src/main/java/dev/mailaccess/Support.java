package dev.mailaccess;

/** How a mailbox provides a {@link Capability}. */
public enum Support {
    /** The protocol or server does it directly. */
    NATIVE,
    /**
     * The library imitates it with other commands, at a cost the reason states (often a download). Runs only where the
     * caller allowed emulation ({@link MailboxConfig.Builder#allowEmulation(boolean)}).
     */
    EMULATED,
    /** Not available: calling it throws {@link UnsupportedCapabilityException} before any I/O. */
    UNSUPPORTED
}
