package dev.mailaccess.pop.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RawRetrTest {
    /** Answers for RETR 1, 2, 3: a dot-stuffed message, a missing one, and an empty one; sent a few bytes at a time. */
    private static final String ANSWERS = "+OK 40 octets\r\n"
            + "Subject: x\r\n\r\n..leading\r\n...two\r\n.. \r\nx.\r\n.\r\n"
            + "-ERR no such message\r\n"
            + "+OK 0 octets\r\n.\r\n";

    @Test
    void readsPipelinedAnswersUndoingDotStuffingWhateverTheChunking() throws Exception {
        for (int chunk : new int[] {1, 2, 3, 7, 64 * 1024}) {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                CompletableFuture<String> commands = serve(server, ANSWERS, chunk);
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    RawRetr r = threeRetrs(s);
                    assertThat(r.status()).isTrue();
                    assertThat(readAll(r.body())).as("chunk " + chunk)
                            .isEqualTo("Subject: x\r\n\r\n.leading\r\n..two\r\n. \r\nx.\r\n");
                    assertThat(r.status()).isFalse(); // -ERR: no body follows
                    assertThat(r.status()).isTrue();
                    assertThat(readAll(r.body())).isEmpty();
                    assertThat(r.drained()).isTrue();
                    assertThat(commands.get()).isEqualTo("RETR 1\r\nRETR 2\r\nRETR 3\r\n");
                }
            }
        }
    }

    /** RETR 1, 2 and 3 pipelined on {@code s}. */
    private static RawRetr threeRetrs(Socket s) throws IOException {
        RawRetr r = new RawRetr(s);
        r.retr(1);
        r.retr(2);
        r.retr(3);
        r.flush();
        return r;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[5];
        int n;
        while ((n = in.read(b, 0, b.length)) >= 0) {
            out.write(b, 0, n);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static CompletableFuture<String> serve(ServerSocket server, String answers, int chunk) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket c = server.accept()) {
                InputStream in = c.getInputStream();
                StringBuilder got = new StringBuilder();
                while (got.toString().split("\n", -1).length <= 3) {
                    got.append((char) in.read());
                }
                OutputStream out = c.getOutputStream();
                byte[] bytes = answers.getBytes(StandardCharsets.ISO_8859_1);
                for (int i = 0; i < bytes.length; i += chunk) {
                    out.write(bytes, i, Math.min(chunk, bytes.length - i));
                    out.flush();
                }
                return got.toString();
            } catch (IOException e) {
                return "";
            }
        });
    }

    @Test
    void anUnexpectedAnswerIsAnError() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            serve(server, "* BYE\r\n", 64);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                RawRetr r = threeRetrs(s);
                assertThatThrownBy(r::status).isInstanceOf(IOException.class).hasMessageContaining("BYE");
            }
        }
    }
}
