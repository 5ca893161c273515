package dev.mailaccess;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Strict and best-effort specs, and what a session's capabilities leave of a spec. */
class FetchSpecTest {
    /** POP3 on a server without TOP: no flags, headers only by downloading, no single parts. */
    private static CapabilitySet pop3WithoutTop() {
        List<CapabilityInfo> infos = new ArrayList<>();
        for (Capability c : Capability.values()) {
            infos.add(CapabilityInfo.nativeSupport(c, "native"));
        }
        return CapabilitySet.of("pop3", infos)
                .with(CapabilityInfo.unsupported(Capability.SERVER_FLAGS, "no flags on the server"))
                .with(CapabilityInfo.emulated(Capability.HEADERS, "RETR of every message"))
                .with(CapabilityInfo.emulated(Capability.BODY_PART, "RETR of the whole message"));
    }

    @Test
    void specsAreStrictUnlessMadeBestEffortAndStaySoWhenChanged() {
        assertThat(FetchSpec.LIST.skipUnsupported()).isFalse();
        assertThat(new FetchSpec(Set.of(FetchSpec.Item.SIZE), List.of()).skipUnsupported()).isFalse();
        FetchSpec bestEffort = FetchSpec.LIST.bestEffort();
        assertThat(bestEffort.skipUnsupported()).isTrue();
        assertThat(bestEffort.items()).isEqualTo(FetchSpec.LIST.items());
        assertThat(bestEffort).isNotEqualTo(FetchSpec.LIST);
        assertThat(bestEffort.with(FetchSpec.Item.STRUCTURE).skipUnsupported()).isTrue();
        assertThat(bestEffort.without(FetchSpec.Item.FLAGS).skipUnsupported()).isTrue();
        assertThat(bestEffort.withHeaders("List-Id").skipUnsupported()).isTrue();
        assertThat(FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).skipUnsupported()).isFalse();
    }

    @Test
    void narrowingLeavesOutWhatTheSessionCannotGive() {
        FetchSpec all = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("List-Id").bestEffort();
        FetchSpec strictSession = all.narrowedTo(pop3WithoutTop(), false);
        assertThat(strictSession).isEqualTo(FetchSpec.of(FetchSpec.Item.SIZE, FetchSpec.Item.INTERNAL_DATE));
        assertThat(strictSession.skipUnsupported()).isFalse();
        // emulation allowed: the emulated headers and parts count, the unsupported flags still do not
        assertThat(all.narrowedTo(pop3WithoutTop(), true)).isEqualTo(FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE)
                .without(FetchSpec.Item.FLAGS).withHeaders("List-Id"));
    }

    @Test
    void aSessionThatGivesEverythingNarrowsNothing() {
        CapabilitySet everything = pop3WithoutTop()
                .with(CapabilityInfo.nativeSupport(Capability.SERVER_FLAGS, "native"))
                .with(CapabilityInfo.nativeSupport(Capability.HEADERS, "native"))
                .with(CapabilityInfo.nativeSupport(Capability.BODY_PART, "native"));
        FetchSpec all = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("List-Id");
        assertThat(all.bestEffort().narrowedTo(everything, false)).isEqualTo(all);
    }
}
