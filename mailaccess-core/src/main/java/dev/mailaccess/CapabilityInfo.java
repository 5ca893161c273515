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
    public CapabilityInfo {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(support, "support");
        Objects.requireNonNull(reason, "reason");
    }

    public static CapabilityInfo nativeSupport(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.NATIVE, reason);
    }

    public static CapabilityInfo emulated(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.EMULATED, reason);
    }

    public static CapabilityInfo unsupported(Capability capability, String reason) {
        return new CapabilityInfo(capability, Support.UNSUPPORTED, reason);
    }
}
