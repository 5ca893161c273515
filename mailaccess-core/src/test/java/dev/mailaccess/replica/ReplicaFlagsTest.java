package dev.mailaccess.replica;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Conflict rule 1: the per-flag merge of local and server flags against the flags at the last sync. */
class ReplicaFlagsTest {
    @Test
    void mergeIsPerFlagAndLocalWinsABothSidedChange() {
        Flags base = Flags.of(Flag.SEEN).plus(Flags.keywords("k1"));
        Flags local = Flags.of(Flag.FLAGGED).plus(Flags.keywords("k1", "k2")); // -SEEN +FLAGGED +k2
        Flags server = Flags.of(Flag.SEEN, Flag.ANSWERED); // +ANSWERED -k1
        assertThat(ReplicaFlags.merge(base, local, server))
                .isEqualTo(Flags.of(List.of(Flag.FLAGGED, Flag.ANSWERED), List.of("k2")));
        // local set vs server clear of the same flag since the last sync: local wins
        assertThat(ReplicaFlags.merge(Flags.NONE, Flags.of(Flag.SEEN), Flags.NONE)).isEqualTo(Flags.of(Flag.SEEN));
        assertThat(ReplicaFlags.merge(Flags.of(Flag.SEEN), Flags.NONE, Flags.of(Flag.SEEN))).isEqualTo(Flags.NONE);
    }
}
