package dev.mailaccess;

/**
 * An operation was called that this protocol or server cannot provide, or can only emulate while emulation was not
 * allowed. Thrown before any network I/O. The message names the capability, the protocol and the reason.
 */
public class UnsupportedCapabilityException extends MailAccessException {
    /** The operation that was refused. */
    private final Capability capability;
    /** The protocol of the session. */
    private final String protocol;
    /** Unsupported, or emulated while emulation was not allowed. */
    private final Support support;
    /** Why, for a person to read. */
    private final String reason;

    /**
     * Creates the exception; its message names the capability, the protocol and the reason, and for an emulated
     * capability how to allow emulation.
     *
     * @param info     the capability with its support ({@link Support#UNSUPPORTED} or {@link Support#EMULATED}) and
     *                 reason
     * @param protocol the protocol of the session, e.g. {@code pop3}
     */
    public UnsupportedCapabilityException(CapabilityInfo info, String protocol) {
        super(message(info, protocol));
        this.capability = info.capability();
        this.protocol = protocol;
        this.support = info.support();
        this.reason = info.reason();
    }

    private static String message(CapabilityInfo info, String protocol) {
        if (info.support() == Support.EMULATED) {
            return info.capability() + " is only emulated on " + protocol + " and emulation is not allowed ("
                    + info.reason() + "); allow it with MailboxConfig.allowEmulation(true) or --emulate";
        }
        return info.capability() + " is not supported on " + protocol + ": " + info.reason();
    }

    /**
     * The operation that was refused.
     *
     * @return the capability
     */
    public Capability capability() {
        return capability;
    }

    /**
     * The protocol that cannot provide it.
     *
     * @return e.g. {@code imap} or {@code pop3}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * How the capability is supported.
     *
     * @return {@link Support#UNSUPPORTED}, or {@link Support#EMULATED} when emulation was not allowed
     */
    public Support support() {
        return support;
    }

    /**
     * Why the capability is missing, or what emulating it would cost.
     *
     * @return the reason, for a person to read
     */
    public String reason() {
        return reason;
    }
}
