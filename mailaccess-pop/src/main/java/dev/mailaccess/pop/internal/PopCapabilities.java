package dev.mailaccess.pop.internal;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;

import java.util.List;
import java.util.Map;

import static dev.mailaccess.CapabilityInfo.emulated;
import static dev.mailaccess.CapabilityInfo.nativeSupport;
import static dev.mailaccess.CapabilityInfo.unsupported;

/** The POP3 capability picture: static (before connecting) and refined from the server's CAPA answer. */
public final class PopCapabilities {
    /** Protocol name used in capability sets and exceptions. */
    public static final String PROTOCOL = "pop3";

    private static final CapabilitySet STATIC = CapabilitySet.of(PROTOCOL, List.of(
            nativeSupport(Capability.HEADERS, "TOP n 0, one command per message: POP3 cannot fetch the headers of"
                    + " several messages at once"),
            nativeSupport(Capability.BODY, "RETR downloads the whole message"),
            emulated(Capability.BODY_PART, "POP3 cannot fetch one part: downloads the whole message (RETR)"),
            emulated(Capability.PARTIAL_BODY, "POP3 cannot fetch a byte range: downloads the whole message (RETR)"
                    + " and skips to the range"),
            nativeSupport(Capability.STABLE_IDS, "UIDL gives every message an id that survives sessions"),
            unsupported(Capability.FOLDERS, "POP3 has a single mailbox (INBOX) and no folders"),
            unsupported(Capability.SERVER_FLAGS, "POP3 keeps no flags on the server"),
            unsupported(Capability.CUSTOM_KEYWORDS, "POP3 keeps no keywords on the server"),
            emulated(Capability.SERVER_SEARCH, "POP3 has no SEARCH: emulating downloads headers (TOP) of every"
                    + " message, and whole messages (RETR) for body/text criteria; flag criteria are impossible"),
            unsupported(Capability.COPY, "POP3 has a single mailbox and no command to copy a message"),
            unsupported(Capability.MOVE, "POP3 has a single mailbox and no command to move a message"),
            unsupported(Capability.APPEND, "POP3 has no command to upload a message"),
            emulated(Capability.EXPUNGE, "POP3 has no deleted-but-kept state: DELE, then QUIT and reconnect to make"
                    + " it final"),
            nativeSupport(Capability.DELETE, "DELE; becomes final when the session ends with QUIT"),
            unsupported(Capability.PUSH, "POP3 has no IDLE; poll instead"),
            unsupported(Capability.QUICK_RESYNC, "POP3 cannot report changes since a known state; compare the UIDL"
                    + " list (refs()) instead"),
            unsupported(Capability.SORT, "POP3 has no SORT; sort the summaries locally"),
            unsupported(Capability.SASL_LOGIN, "the POP3 adapter logs in through Angus's POP3 client, whose AUTH"
                    + " knows USER/PASS, PLAIN, LOGIN and XOAUTH2 only: no SCRAM, no OAUTHBEARER (IMAP has both)"),
            unsupported(Capability.COMPRESSION, "POP3 has no compression extension"),
            unsupported(Capability.QUOTA, "POP3 has no command to report a quota"),
            emulated(Capability.THREADS, "POP3 has no THREAD: emulating reads the headers of every message (TOP n 0,"
                    + " one command each) and threads them here"),
            emulated(Capability.PREVIEW, "POP3 has no PREVIEW: emulating downloads the first 100 body lines of each"
                    + " message (TOP n 100, one command each) and extracts the text here"),
            emulated(Capability.WATCH, "POP3 has no IDLE and sees the maildrop only as it was at login: emulated"
                    + " by logging in again at each poll interval and comparing the UIDL list (new and removed"
                    + " messages; POP3 keeps no flags)")));

    private PopCapabilities() {
    }

    /** What POP3 can do with a typical server (one that offers TOP and UIDL). */
    public static CapabilitySet staticSet() {
        return STATIC;
    }

    /**
     * The live set for a server's CAPA answer (keys upper case, as Angus gives them).
     *
     * @param capa the CAPA answer, or null if the server does not support CAPA (then the static picture stands)
     */
    public static CapabilitySet live(Map<String, String> capa) {
        CapabilitySet set = STATIC;
        if (capa == null) {
            return set;
        }
        if (!capa.containsKey("TOP")) {
            set = set.with(emulated(Capability.HEADERS,
                    "server lacks TOP: headers come from downloading whole messages, one RETR per message"));
            set = set.with(emulated(Capability.SERVER_SEARCH, "POP3 has no SEARCH and this server lacks TOP:"
                    + " emulating downloads every message (RETR); flag criteria are impossible"));
            set = set.with(emulated(Capability.THREADS, "POP3 has no THREAD and this server lacks TOP: emulating"
                    + " downloads every message (RETR) for its headers and threads them here"));
            set = set.with(emulated(Capability.PREVIEW, "POP3 has no PREVIEW and this server lacks TOP: emulating"
                    + " downloads every message (RETR) and extracts the text here"));
        }
        if (!capa.containsKey("UIDL")) {
            set = set.with(unsupported(Capability.STABLE_IDS, "server lacks UIDL: messages have only numbers that"
                    + " change when others are deleted, so no reference survives the session"));
        }
        return set;
    }
}
