package dev.kvstore.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A minimal Redis (RESP2) client for readiness checks and Sentinel queries: one command per
 * connection. Replies are decoded as {@code String} (simple and bulk strings), {@code Long},
 * {@code List<Object>}, {@code null}, or an {@link Error} for an error reply.
 */
final class Resp {

    /** An error reply, such as {@code -LOADING ...}. */
    record Error(String message) {}

    private Resp() {}

    /** Sends one command and returns its reply; throws {@link UncheckedIOException} if unreachable. */
    static Object call(int port, String... command) {
        return callAuthenticated(port, null, command);
    }

    /**
     * Sends one command, after {@code AUTH password} when a password is given, and returns its
     * reply (or the {@code AUTH} error); throws {@link UncheckedIOException} if unreachable.
     */
    static Object callAuthenticated(int port, String password, String... command) {
        return call(port, null, password, null, command);
    }

    /**
     * Sends one command and returns its reply (or the {@code AUTH} error); throws
     * {@link UncheckedIOException} if unreachable or the TLS handshake fails.
     *
     * @param user the ACL user for {@code AUTH user password}; {@code null}: {@code AUTH password}
     * @param password {@code null}: no {@code AUTH}
     * @param tls {@code null}: plain TCP; else the context a TLS connection is made with
     */
    static Object call(int port, String user, String password, SSLContext tls, String... command) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(3000);
            Socket channel = socket;
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, "127.0.0.1", port, true);
                ssl.startHandshake();
                channel = ssl;
            }
            OutputStream out = channel.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            if (password != null) {
                if (user != null) {
                    write(request, "AUTH", user, password);
                } else {
                    write(request, "AUTH", password);
                }
            }
            write(request, command);
            out.write(request.toByteArray());
            out.flush();
            BufferedInputStream in = new BufferedInputStream(channel.getInputStream());
            if (password != null) {
                Object auth = read(in);
                if (auth instanceof Error) {
                    return auth;
                }
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach Redis at 127.0.0.1:" + port, e);
        }
    }

    private static void write(ByteArrayOutputStream request, String... command) {
        request.writeBytes(("*" + command.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String part : command) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Whether the server on {@code port} answers {@code PING} with {@code PONG}. */
    static boolean pings(int port) {
        return pings(port, null);
    }

    /** Whether the server on {@code port} answers {@code PING} with {@code PONG}, after {@code AUTH} if given. */
    static boolean pings(int port, String password) {
        try {
            return "PONG".equals(callAuthenticated(port, password, "PING"));
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP reply type " + type + ": " + line);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }
}
