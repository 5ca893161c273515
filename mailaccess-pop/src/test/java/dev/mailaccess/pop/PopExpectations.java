package dev.mailaccess.pop;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;

import java.util.EnumMap;
import java.util.Map;

/** What a POP3 session should declare, with or without TOP in the server's CAPA. */
final class PopExpectations {
    private PopExpectations() {
    }

    static Map<Capability, Support> live(boolean serverHasTop) {
        Map<Capability, Support> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, Support.UNSUPPORTED);
        }
        m.put(Capability.HEADERS, serverHasTop ? Support.NATIVE : Support.EMULATED);
        m.put(Capability.BODY, Support.NATIVE);
        m.put(Capability.BODY_PART, Support.EMULATED);
        m.put(Capability.PARTIAL_BODY, Support.EMULATED);
        m.put(Capability.STABLE_IDS, Support.NATIVE);
        m.put(Capability.SERVER_SEARCH, Support.EMULATED);
        m.put(Capability.DELETE, Support.NATIVE);
        m.put(Capability.EXPUNGE, Support.EMULATED);
        m.put(Capability.THREADS, Support.EMULATED); // headers per message, threaded here
        m.put(Capability.PREVIEW, Support.EMULATED); // TOP n 100 (RETR without TOP), extracted here
        m.put(Capability.WATCH, Support.EMULATED); // a new session per poll, UIDL compared
        return m;
    }
}
