package dev.mailaccess;

import java.util.Objects;

/**
 * How one capability is supported, with a reason a person can read.
 *
 * @param capability the operation
 * @param support    native, emulated or unsupported
 * @param reason     why, and for emulation what it costs
 */
public record CapabilityInfo(Capability capability, Support support, String reason) {
    /**
     * Checks that nothing is null.
     *
     * @param capability the operation
     * @param support    native, emulated or unsupported
     * @param reason     why, for a person to read
     * @throws NullPointerException if any argument is null
     */
    public CapabilityInfo {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(support, "support");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * A capability the protocol or server offers itself.
     *
     * @param capability the operation
     * @param reason     what provides it, e.g. the server extension
     * @return the info, {@link Support#NATIVE}
     */
    public static CapabilityInfo nativeSupport(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.NATIVE, reason);
    }

    /**
     * A capability the library provides on the client side, at a cost.
     *
     * @param capability the operation
     * @param reason     how it is emulated and what that costs, e.g. what it downloads
     * @return the info, {@link Support#EMULATED}
     */
    public static CapabilityInfo emulated(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.EMULATED, reason);
    }

    /**
     * A capability that cannot be had here.
     *
     * @param capability the operation
     * @param reason     why not
     * @return the info, {@link Support#UNSUPPORTED}
     */
    public static CapabilityInfo unsupported(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.UNSUPPORTED, reason);
    }
}
