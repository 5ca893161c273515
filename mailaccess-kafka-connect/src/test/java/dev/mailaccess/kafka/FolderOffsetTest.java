package dev.mailaccess.kafka;

import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FolderOffsetTest {

    /**
     * Connect finds an offset by the partition's bytes; the REST API and offset resets rebuild partitions from JSON
     * into maps of their own and serialise those. Both must give the bytes the task wrote, or the REST API shows
     * the folder with a null offset (as it did with Map.of).
     */
    @Test
    void aPartitionReadBackByConnectSerialisesToTheSameBytes() {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "false"), true);
        for (String folder : List.of("INBOX", "Work", "Archive.2024", "a very long folder name, with commas")) {
            Map<String, String> p = FolderOffset.partition("imap://someone@mail.example.org", folder);
            byte[] written = keys.fromConnectData("conn", null, List.of("conn", p));
            Object readBack = keys.toConnectData("conn", written).value();
            byte[] again = keys.fromConnectData("conn", null, readBack);
            assertThat(new String(again)).isEqualTo(new String(written));
        }
    }
}
