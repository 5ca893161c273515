package dev.mailaccess.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 in hex, for names that must be stable and file-name safe: the keys of messages stored by offline fetch and
 * by the replica, and the local name of a folder whose name is too long to escape. Shared by both, so it lives here.
 */
public final class Sha256 {
    private Sha256() {
    }

    /** The SHA-256 of a string's UTF-8 bytes, as 64 lower-case hex digits. */
    public static String hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
