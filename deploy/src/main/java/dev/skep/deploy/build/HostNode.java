package dev.skep.deploy.build;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The version of the node a build runs with: part of the node_modules cache key (native modules). */
final class HostNode {

    private static final Logger log = LoggerFactory.getLogger(HostNode.class);

    private HostNode() {
    }

    /** {@code node --version} on that PATH, e.g. "v20.11.1", or "unknown". */
    static String version(String searchPath) {
        try {
            ProcessBuilder builder = new ProcessBuilder(StepRunner.find("node", searchPath), "--version")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true);
            builder.environment().keySet().retainAll(List.of());
            builder.environment().put("PATH", searchPath);
            Process node = builder.start();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                return "unknown";
            }
            String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return node.exitValue() == 0 && !out.isEmpty() ? out : "unknown";
        } catch (IOException e) {
            log.warn("event=build.node-version-failed error=\"{}\"", e.toString());
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
