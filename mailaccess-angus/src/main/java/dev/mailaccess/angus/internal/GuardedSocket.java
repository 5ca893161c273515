package dev.mailaccess.angus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A plain socket whose streams pass through a {@link ConnectionGuard}. */
final class GuardedSocket extends Socket {
    private final ConnectionGuard guard;
    private InputStream in;
    private OutputStream out;

    GuardedSocket(ConnectionGuard guard) {
        this.guard = guard;
    }

    ConnectionGuard guard() {
        return guard;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (in == null) {
            in = guard.input(super.getInputStream());
        }
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = guard.output(super.getOutputStream());
        }
        return out;
    }
}
