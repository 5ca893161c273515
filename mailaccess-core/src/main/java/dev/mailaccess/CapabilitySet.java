package dev.mailaccess;

import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The complete capability picture of a protocol or a live session: every {@link Capability} has exactly one
 * {@link CapabilityInfo}. Immutable.
 */
public final class CapabilitySet {
    private final String protocol;
    private final Map<Capability, CapabilityInfo> infos;

    private CapabilitySet(String protocol, Map<Capability, CapabilityInfo> infos) {
        this.protocol = protocol;
        this.infos = infos;
    }

    /**
     * Builds a set; every capability must be described.
     *
     * @param protocol the protocol, e.g. {@code imap}
     * @param infos    one info per capability; of two for the same capability the later wins
     * @return the set
     * @throws IllegalArgumentException if a capability is missing
     */
    public static CapabilitySet of(String protocol, Collection<CapabilityInfo> infos) {
        EnumMap<Capability, CapabilityInfo> map = new EnumMap<>(Capability.class);
        for (CapabilityInfo info : infos) {
            map.put(info.capability(), info);
        }
        for (Capability c : Capability.values()) {
            if (!map.containsKey(c)) {
                throw new IllegalArgumentException(protocol + " does not describe capability " + c);
            }
        }
        return new CapabilitySet(protocol, map);
    }

    /**
     * The protocol these capabilities belong to.
     *
     * @return e.g. {@code imap} or {@code pop3}
     */
    public String protocol() {
        return protocol;
    }

    /**
     * How a capability is supported, and why.
     *
     * @param capability the operation
     * @return its info, never null
     */
    public CapabilityInfo info(Capability capability) {
        return infos.get(capability);
    }

    /**
     * How a capability is supported.
     *
     * @param capability the operation
     * @return native, emulated or unsupported
     */
    public Support support(Capability capability) {
        return infos.get(capability).support();
    }

    /**
     * Whether a call needing the capability would run: the check a {@link Mailbox} makes before any I/O.
     *
     * @param capability       the operation
     * @param emulationAllowed whether an emulated capability counts (the mailbox's
     *                         {@link MailboxConfig#allowEmulation()})
     * @return true if the capability is native, or emulated and {@code emulationAllowed}
     */
    public boolean isUsable(Capability capability, boolean emulationAllowed) {
        Support s = support(capability);
        return s == Support.NATIVE || (s == Support.EMULATED && emulationAllowed);
    }

    /**
     * A copy with one capability described differently (used to refine a static set from a live session).
     *
     * @param info the new description of its capability
     * @return the new set; this one is unchanged
     */
    public CapabilitySet with(CapabilityInfo info) {
        EnumMap<Capability, CapabilityInfo> map = new EnumMap<>(infos);
        map.put(info.capability(), info);
        return new CapabilitySet(protocol, map);
    }

    /**
     * All infos.
     *
     * @return one per capability, in {@link Capability} order
     */
    public List<CapabilityInfo> all() {
        return List.copyOf(infos.values());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CapabilitySet other && protocol.equals(other.protocol) && infos.equals(other.infos);
    }

    @Override
    public int hashCode() {
        return protocol.hashCode() * 31 + infos.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(protocol).append(" {");
        infos.values().forEach(i -> sb.append(' ').append(i.capability()).append('=').append(i.support()));
        return sb.append(" }").toString();
    }
}
