package dev.mailaccess.store;

import dev.mailaccess.Flag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MaildirTest {

    @Test
    void deliversDurablyIntoNewWithPrivatePermissions(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("Mail");
        Maildir md = Maildir.open(root);
        Path file = md.deliver("abc123", new ByteArrayInputStream("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(file.getParent()).isEqualTo(root.resolve("new"));
        assertThat(file.getFileName().toString()).isEqualTo("abc123.mailaccess,S=18");
        assertThat(Files.readString(file)).isEqualTo("Subject: x\r\n\r\nhi\r\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(root.resolve("tmp")).isEmptyDirectory();
        assertThat(md.keys()).containsExactly("abc123");
    }

    @Test
    void findsMessagesThatAMailReaderMovedToCur(@TempDir Path dir) throws IOException {
        Maildir md = Maildir.open(dir);
        Path file = md.deliver("k1", new ByteArrayInputStream(new byte[] {'x'}));
        Path moved = dir.resolve("cur").resolve(file.getFileName() + ":2,FS");
        Files.move(file, moved);
        assertThat(md.find("k1")).isEqualTo(moved);
        assertThat(md.find("k")).isNull();
        assertThat(Maildir.flagsOf(moved).system()).containsExactlyInAnyOrder(Flag.FLAGGED, Flag.SEEN);
    }

    @Test
    void aFailedWriteLeavesNothingBehind(@TempDir Path dir) {
        Maildir md = Maildir.open(dir);
        assertThatThrownBy(() -> md.deliver("k2", failingAfter1000Bytes("disk full (simulated)")))
                .isInstanceOf(Maildir.StoreException.class).hasMessageContaining("disk full");
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
        assertThat(dir.resolve("new")).isEmptyDirectory();
    }

    @Test
    void aRegularFileInsteadOfTheDirectoryIsNamedClearly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("Mail");
        Files.writeString(file, "not a Maildir");
        assertThatThrownBy(() -> Maildir.open(file)).isInstanceOf(Maildir.StoreException.class)
                .hasMessage("cannot create Maildir " + file + ": " + file + " exists and is not a directory");
        assertThat(Files.readString(file)).isEqualTo("not a Maildir");
    }

    @Test
    void rejectsUnsafeKeys(@TempDir Path dir) {
        Maildir md = Maildir.open(dir);
        assertThatThrownBy(() -> md.deliver("../evil", InputStream.nullInputStream()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writesStateFilesAtomically(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("state").resolve("s");
        Maildir.writeAtomically(f, "one".getBytes(StandardCharsets.US_ASCII), true);
        Maildir.writeAtomically(f, "two".getBytes(StandardCharsets.US_ASCII), true);
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(f.resolveSibling("s.new")).doesNotExist();
    }

    @Test
    void deliversIntoCurWithItsReceivedDateAndReplacesATmpFileLeftByACrash(@TempDir Path dir) throws IOException {
        Maildir md = Maildir.open(dir, false);
        Path leftOver = dir.resolve("tmp").resolve("k3.mailaccess." + ProcessHandle.current().pid());
        Files.writeString(leftOver, "half a message from a process that died");
        java.time.Instant received = java.time.Instant.parse("2021-02-03T04:05:06Z");
        Path file = md.deliverUnsynced("k3", new ByteArrayInputStream(
                "Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)), ":2,S", received);
        assertThat(file).isEqualTo(dir.resolve("cur").resolve("k3.mailaccess,S=18:2,S"));
        assertThat(Files.readString(file)).isEqualTo("Subject: x\r\n\r\nhi\r\n");
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(received);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void aFailedWriteIntoCurLeavesNothingThatLooksComplete(@TempDir Path dir) {
        Maildir md = Maildir.open(dir, false);
        assertThatThrownBy(() -> md.deliverUnsynced("k4", failingAfter1000Bytes("connection reset (simulated)"),
                ":2,", java.time.Instant.EPOCH))
                .isInstanceOf(Maildir.StoreException.class).hasMessageContaining("connection reset");
        assertThat(dir.resolve("cur")).isEmptyDirectory();
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void keysAreCheckedWithoutARegularExpressionButByTheSameRule() {
        for (String k : new String[] {"a", "Z9", "u123_456", "L-x_Y", "0"}) {
            assertThat(Maildir.isKey(k)).as(k).isTrue();
        }
        for (String k : new String[] {"", "a.b", "../x", "a b", "ü", "a:2,S", "a/b", "a\u0000"}) {
            assertThat(Maildir.isKey(k)).as(k).isFalse();
        }
    }

    private static InputStream failingAfter1000Bytes(String failure) {
        return new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw new IOException(failure);
                }
                return 'a';
            }
        };
    }
}
