package dev.mailaccess.cli;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Support;
import dev.mailaccess.FetchSpec;

import java.io.PrintStream;

/**
 * What a listing asks for: {@link FetchSpec#LIST} minus what the session cannot give. Flags only where the server
 * keeps them (never on POP3), envelopes only where headers can be read (natively, or emulated with
 * {@code --emulate}). Asking for more would make the core refuse the whole listing.
 */
public final class ListingSpec {
    private ListingSpec() {
    }

    public static FetchSpec forSession(CapabilitySet caps, boolean emulationAllowed) {
        FetchSpec spec = FetchSpec.LIST;
        if (!caps.isUsable(Capability.SERVER_FLAGS, emulationAllowed)) {
            spec = spec.without(FetchSpec.Item.FLAGS);
        }
        if (!caps.isUsable(Capability.HEADERS, emulationAllowed)) {
            spec = spec.without(FetchSpec.Item.ENVELOPE);
        }
        return spec;
    }

    /** Tells on stderr why from, subject and date are missing, when the spec leaves the envelope out. */
    public static void noteMissingHeaders(CapabilitySet caps, FetchSpec spec, PrintStream err) {
        if (!spec.has(FetchSpec.Item.ENVELOPE)) {
            CapabilityInfo info = caps.info(Capability.HEADERS);
            err.println("mailaccess: note: no from/subject/date: HEADERS is " + info.support() + " on "
                    + caps.protocol() + " (" + info.reason() + ")"
                    + (info.support() == Support.EMULATED ? "; --emulate allows it" : ""));
        }
    }
}
