package dev.skep.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * What bin/skep trains the CLI's AOT cache on (JDK 25+, once per build): {@code skep ps} and
 * {@code skep ps USER/APP} against a loopback server that answers as skep does. The cache then holds
 * the classes of a whole round trip (the JSON, the tables), not only the way to a refused connection.
 * Its answers only need to look like skep's; if they drift, training covers less, nothing breaks.
 */
public final class AotTraining {

    private static final String INSTANCE = "{\"instance\":\"alice.shop.3.ab12cd\",\"release\":3,\"host\":\"127.0.0.1\","
            + "\"port\":40001,\"pid\":4242,\"state\":\"ready\",\"since\":\"2026-01-01T00:00:00.123456789Z\","
            + "\"restarts\":1,\"lastExit\":\"code 1\",\"memoryBytes\":52428800,\"cpuPercent\":1.5}";
    private static final String SHOP = "{\"app\":\"alice/shop\",\"user\":\"alice\",\"name\":\"shop\",\"release\":3,"
            + "\"instancesWanted\":1,\"running\":true,\"state\":\"running\",\"domains\":[\"shop.example.com\"],"
            + "\"url\":\"http://shop.alice.localhost:8080/\",\"updated\":\"2026-01-01T00:00:00Z\",\"instances\":["
            + INSTANCE + "],\"releases\":[{\"number\":3,\"sha256\":\"ab\",\"command\":[\"node\",\"server.js\"],"
            + "\"created\":\"2026-01-01T00:00:00Z\",\"createdBy\":\"alice\",\"note\":\"deploy\",\"current\":true}]}";
    /** One app listed with its instances, one without (ps then asks for its details). */
    private static final String APPS = "[" + SHOP + ",{\"app\":\"bob/blog\",\"user\":\"bob\",\"name\":\"blog\","
            + "\"release\":1,\"instancesWanted\":1,\"running\":true,\"state\":\"running\"}]";

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        train();
        System.exit(0); // as the CLI ends: the JDK's exit path is then in the cache too
    }

    /** Runs the commands; returns their exit codes (0 when the stand-in answered as skep would). */
    static List<Integer> train() throws IOException {
        List<Integer> exits = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().name("skep-training-server").start(() -> serve(server));
            Map<String, String> env = Map.of("SKEP_SERVER", "http://127.0.0.1:" + server.getLocalPort(),
                    "SKEP_TOKEN", "training");
            for (String[] command : new String[][] {{"ps"}, {"ps", "alice/shop"}}) {
                CommandLine cli = SkepCli.commandLine(env, Path.of(System.getProperty("user.home")),
                        Clock.systemUTC(), false);
                cli.setOut(new PrintWriter(Writer.nullWriter()));
                cli.setErr(new PrintWriter(Writer.nullWriter()));
                exits.add(cli.execute(command));
            }
        }
        return exits;
    }

    private static void serve(ServerSocket server) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                String path = requestPath(socket.getInputStream());
                String body = "/v1/apps".equals(path) ? APPS : "/v1/apps/bob/blog".equals(path)
                        ? SHOP.replace("alice", "bob").replace("shop", "blog") : SHOP;
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // the server socket closed as training ended, or one call broke: training covers less
            }
        }
    }

    /** Reads the request head; returns the path of its request line. */
    private static String requestPath(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String[] requestLine = head.toString(StandardCharsets.ISO_8859_1).split(" ", 3);
        return requestLine.length > 1 ? requestLine[1] : "";
    }
}
