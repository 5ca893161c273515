package dev.mailaccess;

/**
 * An operation was called that this protocol or server cannot provide, or can only emulate while emulation was not
 * allowed. Thrown before any network I/O. The message names the capability, the protocol and the reason.
 */
public class UnsupportedCapabilityException extends MailAccessException {
    private final Capability capability;
    private final String protocol;
    private final Support support;
    private final String reason;

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

    public Capability capability() {
        return capability;
    }

    public String protocol() {
        return protocol;
    }

    /** {@link Support#UNSUPPORTED}, or {@link Support#EMULATED} when emulation was not allowed. */
    public Support support() {
        return support;
    }

    public String reason() {
        return reason;
    }
}
