package dev.skep.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.skep.client.ClientConfig;
import dev.skep.client.SkepClient;
import dev.skep.model.json.SkepJson;
import dev.skep.model.view.AppView;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * bench/cli only: the work of {@code skep ps} (GET /v1/apps, bind the answer, print the table) without picocli,
 * through the client's own HTTP client and JSON binder ({@code own}) or through java.net.http and Jackson
 * ({@code jdk}), so the run can say what the hand-written ones save. In package dev.skep.cli for its table.
 */
public final class PsBench {

    public static void main(String[] args) throws Exception {
        ClientConfig config = ClientConfig.resolve(null, null, null, System.getenv(),
                Path.of(System.getProperty("user.home")));
        List<AppView> apps;
        if (args.length > 0 && args[0].equals("jdk")) {
            apps = Jdk.apps(config);
        } else {
            try (SkepClient client = SkepClient.of(config)) {
                apps = client.apps();
            }
        }
        PrintWriter out = new PrintWriter(System.out);
        Views.printApps(out, apps, Instant.now());
        out.flush();
    }

    /** Apart, so that the own variant never loads (nor verifies against) a Jackson class. */
    static final class Jdk {
        static List<AppView> apps(ClientConfig config) throws Exception {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(config.server().resolve("/v1/apps"))
                    .header("Authorization", "Bearer " + config.token()).build();
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("GET /v1/apps answered " + answer.statusCode());
            }
            return SkepJson.MAPPER.readValue(answer.body(), new TypeReference<List<AppView>>() { });
        }
    }
}
