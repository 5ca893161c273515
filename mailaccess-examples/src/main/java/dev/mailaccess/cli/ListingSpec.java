package dev.mailaccess.cli;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Support;

import java.io.PrintStream;

/**
 * What the tool's listings ask for: {@link FetchSpec#LIST}, {@linkplain FetchSpec#bestEffort() best-effort}, so
 * that the core leaves out what the session cannot give (flags over POP3; the envelope where headers cannot be read
 * and {@code --emulate} was not given) instead of refusing the whole listing.
 */
public final class ListingSpec {
    /** Envelope, flags, size and date, as far as the session can give them. */
    public static final FetchSpec LISTING = FetchSpec.LIST.bestEffort();

    /** {@link #LISTING} plus each message's preview ({@code list --preview}), also best effort. */
    public static final FetchSpec WITH_PREVIEW = LISTING.with(FetchSpec.Item.PREVIEW);

    private ListingSpec() {
    }

    /** Tells on stderr why the previews are missing, when the mailbox cannot give them. */
    public static void noteMissingPreview(Mailbox mb, PrintStream err) {
        CapabilitySet caps = mb.capabilities();
        if (!WITH_PREVIEW.narrowedTo(caps, mb.config().allowEmulation()).has(FetchSpec.Item.PREVIEW)) {
            CapabilityInfo info = caps.info(Capability.PREVIEW);
            err.println("mailaccess: note: no previews: PREVIEW is " + info.support() + " on " + caps.protocol()
                    + " (" + info.reason() + ")" + (info.support() == Support.EMULATED ? "; --emulate allows it" : ""));
        }
    }

    /** Tells on stderr why from, subject and date are missing, when the mailbox cannot give the envelope. */
    public static void noteMissingHeaders(Mailbox mb, PrintStream err) {
        CapabilitySet caps = mb.capabilities();
        if (!LISTING.narrowedTo(caps, mb.config().allowEmulation()).has(FetchSpec.Item.ENVELOPE)) {
            CapabilityInfo info = caps.info(Capability.HEADERS);
            err.println("mailaccess: note: no from/subject/date: HEADERS is " + info.support() + " on "
                    + caps.protocol() + " (" + info.reason() + ")"
                    + (info.support() == Support.EMULATED ? "; --emulate allows it" : ""));
        }
    }
}
